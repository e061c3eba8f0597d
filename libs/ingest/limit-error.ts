const variableOf = { rows: 'INGEST_MAX_ROWS', body: 'INGEST_MAX_BODY_BYTES' } as const;

/**
 * A request over a whole-request limit; the API answers 413 naming the limit. Thrown (not returned
 * per line) because nothing of such a request is accepted.
 */
export class IngestLimitError extends Error {
  constructor(
    readonly limit: 'rows' | 'body',
    readonly max: number,
  ) {
    super(
      limit === 'rows'
        ? `more than ${max} rows in one request (${variableOf.rows})`
        : `request body larger than ${max} bytes (${variableOf.body})`,
    );
    this.name = 'IngestLimitError';
  }
}
