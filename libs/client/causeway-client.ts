/** The answer of POST /v1/ingest/{stream}. */
export interface IngestAnswer {
  accepted: number;
  rejected: number;
  duplicates: number;
  conflicts: number;
  errors: { line: number; field: string; message: string }[];
}

/**
 * An answer's copies in words: "3 duplicates", or "3 duplicates, 1 with other content" when some
 * copies differed from the first copy of their id (`format` writes the numbers).
 */
export function copiesInWords(
  answer: Pick<IngestAnswer, 'duplicates' | 'conflicts'>,
  format: (n: number) => string = String,
): string {
  const duplicates = `${format(answer.duplicates)} duplicates`;
  return answer.conflicts === 0
    ? duplicates
    : `${duplicates}, ${format(answer.conflicts)} with other content`;
}

/** Totals over the requests of one upload. */
export interface UploadTotals extends IngestAnswer {
  lines: number;
  requests: number;
}

/**
 * Adds one answer's counts and errors to `totals`, its error lines moved by `lineOffset` to lines
 * of the whole upload.
 */
export function addAnswer(totals: IngestAnswer, answer: IngestAnswer, lineOffset: number): void {
  totals.accepted += answer.accepted;
  totals.rejected += answer.rejected;
  totals.duplicates += answer.duplicates;
  totals.conflicts += answer.conflicts;
  totals.errors.push(...answer.errors.map((e) => ({ ...e, line: e.line + lineOffset })));
}

/** How many times a request that got no answer at all is sent. */
export const NETWORK_ATTEMPTS = 3;

/** Runs `send` again after a network failure (fetch rejects with a TypeError), with a pause. */
async function withNetworkRetries(send: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof TypeError) || attempt >= NETWORK_ATTEMPTS) {
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/**
 * A minimal client of the Causeway HTTP API, used by the demo loader, the benchmark and the
 * end-to-end tests: the same path a producer takes.
 */
export class CausewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  private headers(contentType: string): Record<string, string> {
    return { 'content-type': contentType, authorization: `Bearer ${this.key}` };
  }

  /**
   * Posts one NDJSON body; throws with the server's message unless it answers 200. A request that
   * never got an answer (the connection reset, typically a kept-alive socket the server closed
   * as it was reused) is sent again, up to NETWORK_ATTEMPTS times: ingest deduplicates by id, so
   * a copy that did arrive is counted once.
   */
  async ingest(stream: string, ndjson: string): Promise<IngestAnswer> {
    const response = await withNetworkRetries(() =>
      fetch(`${this.baseUrl}/v1/ingest/${stream}`, {
        method: 'POST',
        headers: this.headers('application/x-ndjson'),
        body: ndjson,
      }),
    );
    const body = (await response.json()) as IngestAnswer & { message?: string };
    if (!response.ok) {
      throw new Error(
        `ingest ${stream} answered ${response.status}: ${body.message ?? 'no message'}`,
      );
    }
    return body;
  }

  /**
   * Posts a Parquet or CSV file to POST /v1/import/{stream}, streamed from disk (never read whole
   * into memory); throws with the server's message unless it answers 200.
   */
  async importFile(
    stream: string,
    body: ReadableStream<Uint8Array>,
    contentType: string,
    /** The Content-Encoding the body is in (gzip for a `.csv.gz` file sent as it is). */
    encoding?: 'gzip',
  ): Promise<
    IngestAnswer & { ignoredFields: { field: string; lines: number; suggestion: string | null }[] }
  > {
    const response = await fetch(`${this.baseUrl}/v1/import/${stream}`, {
      method: 'POST',
      headers: {
        ...this.headers(contentType),
        ...(encoding !== undefined && { 'content-encoding': encoding }),
      },
      body,
      duplex: 'half',
    });
    const answer = (await response.json()) as IngestAnswer & {
      ignoredFields: { field: string; lines: number; suggestion: string | null }[];
      message?: string;
    };
    if (!response.ok) {
      throw new Error(
        `import ${stream} answered ${response.status}: ${answer.message ?? 'no message'}`,
      );
    }
    return answer;
  }

  /**
   * Uploads NDJSON text in requests of `batchLines` lines, `concurrency` at a time. Error line
   * numbers are translated back to lines of the whole text.
   */
  async upload(
    stream: string,
    ndjson: string,
    batchLines = 10_000,
    concurrency = 2,
  ): Promise<UploadTotals> {
    const lines = ndjson.split('\n');
    if (lines.at(-1) === '') {
      lines.pop();
    }
    const batches: { offset: number; body: string }[] = [];
    for (let offset = 0; offset < lines.length; offset += batchLines) {
      batches.push({ offset, body: `${lines.slice(offset, offset + batchLines).join('\n')}\n` });
    }
    const totals: UploadTotals = {
      lines: lines.length,
      requests: batches.length,
      accepted: 0,
      rejected: 0,
      duplicates: 0,
      conflicts: 0,
      errors: [],
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++];
        addAnswer(totals, await this.ingest(stream, batch.body), batch.offset);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
    totals.errors.sort((a, b) => a.line - b.line);
    return totals;
  }

  /** Runs a GraphQL operation; throws on errors. */
  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(`${this.baseUrl}/graphql`, {
      method: 'POST',
      headers: this.headers('application/json'),
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (body.errors !== undefined || body.data === undefined) {
      throw new Error(
        `GraphQL: ${body.errors?.map((e) => e.message).join('; ') ?? response.statusText}`,
      );
    }
    return body.data;
  }
}
