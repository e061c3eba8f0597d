import type { RejectedRecord, StreamName } from './core.js';

/** One validated request, as persisted in the queue and written by the ingest handler. */
export interface IngestJobPayload {
  requestId: string;
  tenantId: string;
  stream: StreamName;
  /** Server time the request arrived, ClickHouse DateTime64 text. */
  receivedAt: string;
  /** Storage rows for the stream's table, unique by id. */
  rows: Record<string, unknown>[];
  rejects: RejectedRecord[];
}
