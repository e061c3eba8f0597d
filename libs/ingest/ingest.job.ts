import type { RejectedRecord, StreamName } from './core.js';

/** One validated request, as persisted in the queue and written by the ingest handler. */
export interface IngestJobPayload {
  requestId: string;
  tenantId: string;
  stream: StreamName;
  /** Server time the request arrived, ClickHouse DateTime64 text. */
  receivedAt: string;
  /** Storage rows for the stream's table, unique by id, as JSONEachRow text (one per line). */
  ndjson: string;
  rejects: RejectedRecord[];
}

/** A job queued before the rows travelled as text: they are objects, one per storage row. */
export type EarlierIngestJobPayload = Omit<IngestJobPayload, 'ndjson'> & {
  rows: Record<string, unknown>[];
};

/** A request written inline by the API: its rows as the UTF-8 bytes of their JSONEachRow text. */
export type InlineIngestJob = Omit<IngestJobPayload, 'ndjson'> & { ndjson: Buffer };

/** The rows of a job as JSONEachRow text (or its bytes), whichever form it came in. */
export function ndjsonOf(
  job: IngestJobPayload | EarlierIngestJobPayload | InlineIngestJob,
): string | Buffer {
  return 'ndjson' in job ? job.ndjson : job.rows.map((row) => JSON.stringify(row)).join('\n');
}
