import { Injectable } from '@nestjs/common';
import { ClickHouseService, DataVersions } from '../storage/index.js';
import {
  ndjsonOf,
  type EarlierIngestJobPayload,
  type IngestJobPayload,
  type InlineIngestJob,
} from './ingest.job.js';
import { tableOf, type RejectedRecord, type StreamName } from './core.js';
import { StoredBatches } from './stored-batches.js';

/**
 * Stores the texts of a batch's `StorageLine`s (joined by newlines) in the stream's table. They
 * are handed to ClickHouse's own JSON parser as they are: most are the producer's lines (see
 * passthrough.ts), whose objects are read as their text and whose nulls as the column default.
 * The lines of a batch are unique by id, so the engine need not collapse them as it inserts
 * (queries read collapsed rows, and merges collapse copies from other batches).
 */
export function insertStorageLines(
  clickhouse: ClickHouseService,
  stream: StreamName,
  ndjson: string | Buffer,
  tag: string,
): Promise<void> {
  return clickhouse.insertRaw(tableOf[stream], ndjson, tag, {
    date_time_input_format: 'best_effort',
    input_format_json_read_objects_as_strings: 1,
    input_format_null_as_default: 1,
    optimize_on_insert: 0,
  });
}

/**
 * A refused line as `rejected_events` keeps it: a stream's, or a line a door refused before it
 * became a stream's row (`stream` then names the door, such as `segment`).
 */
export type RefusedLine = Omit<RejectedRecord, 'stream'> & { stream: string };

/**
 * The `stream` of what the Segment door refuses before any stream takes it as a row (a message no
 * rule maps), and of the door's lines the REJECTED_ROWS rule counts beside it: its kept messages.
 */
export const SEGMENT_REFUSALS = 'segment';

/**
 * What makes two rows of `rejected_events` one refused line: the same text refused in the same
 * stream, for the same reason, wherever it stood. A producer retrying a request sends its refused
 * lines again, each copy stored under the new request's id, and one that sends again only the
 * lines it was unsure of, or in another order, sends them at other lines; the copies count once
 * (DESIGN §5), as the first copy (the earliest arrival, then request id and line), as the copies
 * of an accepted id are one row. Two equal lines of one request are one refused line too (both
 * are answered, as two lines sent with one id are both accepted and stored as one row). A line
 * whose copies differ in text is known by its `known_as` instead (a Segment message by its
 * messageId, a signal by its JSON without `sent_at`: a retry stamps the send time anew). A line
 * kept without its text (it names an erased person) is its own line of its request: nothing tells
 * it from another such line. The text is hashed, so that grouping holds 16 bytes a line rather
 * than up to 64 Ki characters. Every reader that lists or counts refused lines groups by it;
 * GROUP BY also collapses the rows a retried queued batch writes again.
 */
export const SAME_REFUSED_LINE = `stream, field, reason,
  sipHash128(if(known_as = '', raw, ''), known_as, if(raw = '', (request_id, line), ('', 0)))`;

/** Of the copies of one refused line (grouped by SAME_REFUSED_LINE), the first one's `column`. */
export const firstCopyOf = (column: string): string =>
  `argMin(${column}, (received_at, request_id, line))`;

/** Keeps the refused lines of one request, with its tenant, id and arrival (ClickHouse time). */
export async function insertRefusedLines(
  clickhouse: ClickHouseService,
  request: { tenantId: string; requestId: string; receivedAt: string },
  lines: readonly RefusedLine[],
): Promise<void> {
  await clickhouse.insert({
    table: 'rejected_events',
    tag: 'ingest.write.rejected',
    rows: lines.map((r) => ({
      tenant_id: request.tenantId,
      stream: r.stream,
      request_id: request.requestId,
      line: r.line,
      field: r.field,
      reason: r.reason,
      raw: r.raw,
      known_as: r.knownAs ?? '',
      received_at: request.receivedAt,
    })),
  });
}

/**
 * The one handler that stores a validated batch: called inline by the API, or by the BullMQ
 * processor. Safe to repeat: every table collapses rows with the same key, so a retried job
 * stores each row once. Once the batch is stored it moves the tenant's data version, so that
 * answers kept from before it are not served again (in any process, see DataVersions).
 */
@Injectable()
export class IngestWriter {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly storedBatches: StoredBatches,
    private readonly versions: DataVersions,
  ) {}

  write(job: IngestJobPayload | EarlierIngestJobPayload | InlineIngestJob): Promise<void> {
    return this.versions.writing(job.tenantId, () => this.store(job));
  }

  /**
   * Runs `insert`, a write of a tenant's rows of `stream` that the engine makes on its own (a
   * Parquet import's plain rows), and tells what a written batch tells.
   */
  async writeWith(
    tenantId: string,
    stream: StreamName,
    insert: () => Promise<void>,
  ): Promise<void> {
    await this.versions.writing(tenantId, async () => {
      await insert();
      this.storedBatches.notify({ tenantId, stream });
    });
  }

  private async store(
    job: IngestJobPayload | EarlierIngestJobPayload | InlineIngestJob,
  ): Promise<void> {
    // The refused lines first: a write that fails after them has stored no row, as the answer
    // then says ("nothing was accepted"), and the producer's retry keeps them once
    // (SAME_REFUSED_LINE); rows stored before a failed write of the refused lines were answered
    // as not accepted, while every measure counted them.
    await insertRefusedLines(this.clickhouse, job, job.rejects);
    await insertStorageLines(
      this.clickhouse,
      job.stream,
      ndjsonOf(job),
      `ingest.write.${job.stream}`,
    );
    this.storedBatches.notify({ tenantId: job.tenantId, stream: job.stream });
  }
}
