import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Principal } from '../auth/index.js';
import { AppConfig } from '../config/index.js';
import { ingestChecks, PersonBlocklist } from '../lifecycle/index.js';
import { MetricsService } from '../observability/index.js';
import { JobName, QueueName } from '../queue/index.js';
import {
  ClickHouseService,
  dateFromClickHouse,
  StorageErrorCode,
  StorageException,
  toClickHouseTime,
} from '../storage/index.js';
import {
  isStream,
  parseBodyBatches,
  prepareBatch,
  STREAMS,
  tableOf,
  type IgnoredField,
  type IngestLimits,
  type LineSource,
  type PreparedBatch,
  type RowError,
  type StreamName,
} from './core.js';
import { IngestThreads } from './ingest-threads.js';
import {
  firstCopyOf,
  IngestWriter,
  insertRefusedLines,
  SAME_REFUSED_LINE,
  type RefusedLine,
} from './ingest-writer.js';
import { ParquetFile, type FileRequest } from './tabular-import.js';
import { readTabularFile, type ImportMediaType } from './tabular.js';
import type { ParsedLine } from './types.js';
import { IngestErrorCode, IngestException } from './ingest.exception.js';
import type { IngestJobPayload, InlineIngestJob } from './ingest.job.js';
import { WRITTEN_BATCH_KEPT_MS } from './queued-batch-retention.js';
import { messageOf, pageProblem } from '../errors/index.js';

/** The most rejected lines `rejectedRows` answers in one page. */
export const MAX_REJECTED_ROWS_LISTED = 1000;

/** The answer to an ingest request. */
export interface IngestResult {
  accepted: number;
  rejected: number;
  duplicates: number;
  /**
   * Those duplicates whose content differed from the first copy of their id in the request (which
   * is the one kept): the same id sent for two different things (docs/design.md §5).
   */
  conflicts: number;
  errors: RowError[];
  /** Fields the stream does not know (ignored), with how many lines carried each (docs/design.md §12). */
  ignoredFields: IgnoredField[];
}

/** The answer of an import before its first request. */
export function emptyResult(): IngestResult {
  return { accepted: 0, rejected: 0, duplicates: 0, conflicts: 0, errors: [], ignoredFields: [] };
}

/** The answer to one request, from its validated batch. */
export function batchResult(batch: PreparedBatch): IngestResult {
  return {
    accepted: batch.accepted,
    rejected: batch.rejected,
    duplicates: batch.duplicates,
    conflicts: batch.conflicts,
    errors: batch.errors,
    ignoredFields: batch.ignoredFields,
  };
}

/** Adds the answer of one request of an import to the import's answer. */
export function addResult(total: IngestResult, part: IngestResult): void {
  total.accepted += part.accepted;
  total.rejected += part.rejected;
  total.duplicates += part.duplicates;
  total.conflicts += part.conflicts;
  total.errors.push(...part.errors);
  for (const ignored of part.ignoredFields) {
    const known = total.ignoredFields.find((f) => f.field === ignored.field);
    if (known === undefined) {
      total.ignoredFields.push({ ...ignored });
    } else {
      known.lines += ignored.lines;
    }
  }
}

/**
 * The error of a file that turned out unreadable. Requests stored before stay stored, and are
 * counted in the message.
 */
function unreadable(error: unknown, mediaType: ImportMediaType, total: IngestResult): Error {
  if (error instanceof IngestException) {
    return error;
  }
  const message = messageOf(error);
  return new IngestException(
    IngestErrorCode.InvalidRequest,
    `the body could not be read as ${mediaType} after ${total.accepted + total.rejected} rows: ${message}`,
    { cause: error },
  );
}

/**
 * The error of an import the store (or the queue) stopped after some of its requests were stored:
 * a refusal that says nothing was accepted would be false, so it says which rows were. Any other
 * error, or one before the first request was stored, is passed on as it is.
 */
function partlyStored(error: unknown, total: IngestResult): unknown {
  const stored = total.accepted + total.rejected;
  const failed =
    error instanceof StorageException && error.code === StorageErrorCode.Unavailable
      ? 'the store'
      : error instanceof IngestException && error.code === IngestErrorCode.QueueUnavailable
        ? 'the queue (Redis)'
        : undefined;
  if (stored === 0 || failed === undefined) {
    return error;
  }
  return new IngestException(
    IngestErrorCode.PartlyStored,
    `${failed} failed after rows 1 to ${stored} of the body were stored (${total.accepted} accepted, ${total.rejected} rejected); the rows after them were not: send it again, and the rows stored count once`,
    { cause: error },
  );
}

/**
 * Plain requests of a Parquet file the engine stores by one statement at most: each statement
 * reads the file from its start, and holds the rows of its requests to keep each id's first copy.
 */
const PLAIN_RUN_REQUESTS = 4;

/**
 * A file's requests in order, as runs: consecutive requests of plain rows together (up to
 * PLAIN_RUN_REQUESTS), each other request alone.
 */
function plainRuns(requests: readonly FileRequest[]): FileRequest[][] {
  const runs: FileRequest[][] = [];
  for (const request of requests) {
    const last = runs.at(-1);
    if (
      request.awkward === 0 &&
      last !== undefined &&
      last[0].awkward === 0 &&
      last.length < PLAIN_RUN_REQUESTS
    ) {
      last.push(request);
    } else {
      runs.push([request]);
    }
  }
  return runs;
}

/** How long a batch may wait for Redis to take it before the request is answered 503. */
const QUEUE_ADD_TIMEOUT_MS = 5_000;

const rejectedRow = z.object({
  stream: z.string(),
  first_request: z.string(),
  first_line: z.number(),
  field: z.string(),
  reason: z.string(),
  first_raw: z.string(),
  first_received: z.string(),
});

/**
 * Validates a request and makes it durable before answering: written to ClickHouse inline, or
 * persisted as a BullMQ job when Redis is configured. The same use case serves HTTP, GraphQL and
 * the CLI.
 */
@Injectable()
export class IngestService {
  constructor(
    private readonly config: AppConfig,
    private readonly writer: IngestWriter,
    private readonly metrics: MetricsService,
    private readonly clickhouse: ClickHouseService,
    private readonly blocklist: PersonBlocklist,
    private readonly threads: IngestThreads,
    @Optional() @Inject(getQueueToken(QueueName.Ingest)) private readonly queue?: Queue,
  ) {
    if (queue !== undefined) {
      metrics.onScrape(async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
        for (const [state, n] of Object.entries(counts)) {
          metrics.queueDepth.set({ queue: QueueName.Ingest, state }, n);
        }
      });
    }
  }

  get limits(): IngestLimits {
    const env = this.config.env;
    return {
      maxRows: env.INGEST_MAX_ROWS,
      maxFieldChars: env.INGEST_MAX_FIELD_CHARS,
      maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
    };
  }

  /** Checks a stream name from a URL or argument. */
  stream(name: string): StreamName {
    if (!isStream(name)) {
      throw new IngestException(
        IngestErrorCode.UnknownStream,
        `unknown stream "${name}" (expected one of ${STREAMS.join(', ')})`,
      );
    }
    return name;
  }

  /**
   * Validates and stores one request's lines of a stream. `receivedAt` is the server's arrival time
   * (now, unless a door that read the request earlier, such as the Segment endpoint, passes its own
   * so that every stream of one request is stamped alike).
   */
  async ingest(
    principal: Principal,
    stream: StreamName,
    lines: LineSource,
    receivedAt = Date.now(),
  ): Promise<IngestResult> {
    const batch = await prepareBatch(stream, lines, {
      tenantId: principal.tenantId,
      receivedAt,
      limits: this.limits,
      ...ingestChecks(await this.blocklist.erasedOf(principal.tenantId)),
    });
    return this.store(principal, batch, receivedAt);
  }

  /**
   * Validates and stores a request body (NDJSON or a JSON array, parseBodyBatches), its lines
   * validated as it arrives: in a validation thread (INGEST_WORKERS), else on this thread. Either
   * way the same batch, answer and rows (prepare-pool.spec.ts).
   */
  async ingestBody(
    principal: Principal,
    stream: StreamName,
    body: AsyncIterable<Buffer>,
  ): Promise<IngestResult> {
    const receivedAt = Date.now();
    const limits = this.limits;
    const pool = this.threads.pool;
    if (pool === undefined) {
      const lines = parseBodyBatches(body, { maxRows: limits.maxRows, parse: false });
      return this.ingest(principal, stream, lines, receivedAt);
    }
    const tenantId = principal.tenantId;
    const erased = await this.blocklist.erasedOf(tenantId);
    const context = { stream, tenantId, receivedAt, limits, ...(erased && { erased }) };
    return this.store(principal, await pool.prepare(context, body), receivedAt);
  }

  /** Makes a validated request durable, counts it, and words the answer. */
  private async store(
    principal: Principal,
    batch: PreparedBatch,
    receivedAt: number,
  ): Promise<IngestResult> {
    const stream = batch.stream;
    await this.persist({
      requestId: randomUUID(),
      tenantId: principal.tenantId,
      stream,
      receivedAt: toClickHouseTime(receivedAt),
      ndjson: batch.ndjsonBytes,
      rejects: batch.rejects,
    });
    this.metrics.ingestRows.inc({ stream, result: 'accepted' }, batch.accepted);
    this.metrics.ingestRows.inc({ stream, result: 'rejected' }, batch.rejected);
    this.metrics.ingestRows.inc({ stream, result: 'duplicate' }, batch.duplicates);
    this.metrics.ingestRows.inc({ stream, result: 'conflict' }, batch.conflicts);
    return batchResult(batch);
  }

  /**
   * Keeps lines a door refused before they became rows of a stream (a Segment message no rule
   * maps whose time is outside the stored years), as the refused lines of a request are kept: in
   * `rejectedRows`, for repair, received at `receivedAt`. Written to the store at once, as the
   * door keeps what it accepts of them.
   */
  async keepRefused(
    tenantId: string,
    lines: readonly RefusedLine[],
    receivedAt: number,
  ): Promise<void> {
    if (lines.length === 0) {
      return;
    }
    const request = { tenantId, requestId: randomUUID(), receivedAt: toClickHouseTime(receivedAt) };
    await insertRefusedLines(this.clickhouse, request, lines);
  }

  /**
   * Imports a Parquet or CSV file (docs/design.md §11) that this process's engine can read: ClickHouse
   * reads it, and its rows follow the rules of NDJSON lines, stored in requests of at most
   * INGEST_MAX_ROWS rows each (durable before the answer), rows numbered from 1 through the file.
   * A Parquet request whose rows are all plain is stored by the engine alone (tabular-sql.ts).
   */
  async importFile(
    principal: Principal,
    stream: StreamName,
    path: string,
    mediaType: ImportMediaType,
  ): Promise<IngestResult> {
    if (this.config.env.CLICKHOUSE_URL !== undefined) {
      throw new IngestException(
        IngestErrorCode.InvalidRequest,
        'Parquet and CSV imports are read by the embedded engine; with CLICKHOUSE_URL set, send NDJSON',
      );
    }
    const total = emptyResult();
    const plain =
      mediaType === 'application/vnd.apache.parquet' &&
      stream !== 'triggers' &&
      (await this.blocklist.checkFor(principal.tenantId)) === undefined;
    try {
      if (!plain || !(await this.importParquet(principal, stream, path, total))) {
        await this.importRows(principal, stream, path, mediaType, total);
      }
    } catch (error) {
      throw partlyStored(error, total);
    }
    return total;
  }

  /**
   * Imports a Parquet file request by request into `total`: those whose rows are all plain by the
   * engine, the others line by line. False when no row of the file can be plain (nothing done).
   */
  private async importParquet(
    principal: Principal,
    stream: Exclude<StreamName, 'triggers'>,
    path: string,
    total: IngestResult,
  ): Promise<boolean> {
    const tenantId = principal.tenantId;
    const mediaType = 'application/vnd.apache.parquet';
    let file: ParquetFile;
    let requests: FileRequest[] | undefined;
    try {
      file = await ParquetFile.open(this.clickhouse, stream, path, this.limits);
      requests = await file.requests(Date.now());
    } catch (error) {
      throw unreadable(error, mediaType, total);
    }
    if (requests === undefined) {
      return false;
    }
    const lineByLine = async (request: FileRequest) => {
      const lines = await file.lines(request.index).catch((error: unknown) => {
        throw unreadable(error, mediaType, total);
      });
      addResult(total, await this.ingest(principal, stream, lines));
    };
    for (const run of plainRuns(requests)) {
      if (run[0].awkward > 0) {
        await lineByLine(run[0]);
        continue;
      }
      // The engine stores a plain run without checking its rows against erased persons: only
      // while no one of the tenant is, checked before each run (an import may outlast an erasure).
      const receivedAt = Date.now();
      let conflicts = new Map<number, number>();
      const stored = await this.blocklist.whileNoneErased(tenantId, async () => {
        conflicts = await file.conflicts(run, tenantId, receivedAt).catch((error: unknown) => {
          throw unreadable(error, mediaType, total);
        });
        await this.writer.writeWith(tenantId, stream, () => file.store(run, tenantId, receivedAt));
      });
      if (!stored) {
        for (const request of run) {
          await lineByLine(request);
        }
        continue;
      }
      for (const request of run) {
        const duplicates = request.rows - request.ids;
        const conflicting = conflicts.get(request.index) ?? 0;
        this.metrics.ingestRows.inc({ stream, result: 'accepted' }, request.rows);
        this.metrics.ingestRows.inc({ stream, result: 'duplicate' }, duplicates);
        this.metrics.ingestRows.inc({ stream, result: 'conflict' }, conflicting);
        addResult(total, {
          accepted: request.rows,
          rejected: 0,
          duplicates,
          conflicts: conflicting,
          errors: [],
          ignoredFields: request.ignoredFields,
        });
      }
    }
    return true;
  }

  /** Imports a file's rows into `total` as lines, in requests of INGEST_MAX_ROWS rows. */
  private async importRows(
    principal: Principal,
    stream: StreamName,
    path: string,
    mediaType: ImportMediaType,
    total: IngestResult,
  ): Promise<void> {
    let request: ParsedLine[] = [];
    let reading = true;
    const send = async () => {
      reading = false;
      addResult(total, await this.ingest(principal, stream, request));
      request = [];
      reading = true;
    };
    try {
      const rows = await readTabularFile(this.clickhouse, stream, path, mediaType);
      for await (const lines of rows) {
        for (const line of lines) {
          request.push(line);
          if (request.length === this.limits.maxRows) {
            await send();
          }
        }
      }
      if (request.length > 0) {
        await send();
      }
    } catch (error) {
      if (!reading || error instanceof IngestException) {
        throw error;
      }
      throw unreadable(error, mediaType, total);
    }
  }

  /** Inline: stored before the answer. Queued: the job is in Redis before the answer. */
  private async persist(job: InlineIngestJob): Promise<void> {
    if (job.ndjson.length === 0 && job.rejects.length === 0) {
      return;
    }
    if (this.queue === undefined) {
      await this.writer.write(job);
      return;
    }
    const payload: IngestJobPayload = { ...job, ndjson: job.ndjson.toString('utf8') };
    const client = await this.queue.getBackend().client;
    if (client.status !== 'ready') {
      throw new IngestException(
        IngestErrorCode.QueueUnavailable,
        `the queue (Redis) is not reachable (${client.status}); nothing was accepted, retry later`,
      );
    }
    const added = this.queue.add(JobName.IngestBatch, payload, {
      jobId: payload.requestId,
      attempts: this.config.env.INGEST_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.env.INGEST_JOB_BACKOFF_MS },
      removeOnComplete: { age: WRITTEN_BATCH_KEPT_MS / 1000, count: 10_000 },
      removeOnFail: false,
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), QUEUE_ADD_TIMEOUT_MS);
    });
    try {
      if ((await Promise.race([added, timedOut])) === 'timeout') {
        // Redis died under a connection that still looked ready: the client holds the command
        // until it reconnects. The caller is told nothing was accepted, so a late add is undone.
        added.then((job) => job.remove()).catch(() => undefined);
        throw new IngestException(
          IngestErrorCode.QueueUnavailable,
          `the queue (Redis) did not take the batch within ${QUEUE_ADD_TIMEOUT_MS} ms; nothing was accepted, retry later`,
        );
      }
    } catch (error) {
      if (error instanceof IngestException) {
        throw error;
      }
      throw new IngestException(
        IngestErrorCode.QueueUnavailable,
        'the queue (Redis) refused the batch; nothing was accepted, retry later',
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Rows stored per stream for a tenant, each id once (FINAL collapses re-deliveries before merges),
   * and the ids that arrived again with different content.
   */
  async storedRows(tenantId: string): Promise<{ stream: StreamName; rows: number }[]> {
    const rows = await this.clickhouse.query({
      tag: 'ingest.stored_rows',
      sql: STREAMS.map(
        (stream) =>
          `SELECT '${stream}' AS stream, count() AS rows FROM ${tableOf[stream]} FINAL WHERE tenant_id = {tenantId:String}`,
      ).join('\nUNION ALL\n'),
      params: { tenantId },
      row: z.object({ stream: z.enum(STREAMS), rows: z.number() }),
    });
    return STREAMS.map((stream) => ({
      stream,
      rows: rows.find((r) => r.stream === stream)?.rows ?? 0,
    }));
  }

  /**
   * The tenant's most recent rejected lines, newest first, a page of `limit` (1 to
   * {@link MAX_REJECTED_ROWS_LISTED}) after `offset`.
   */
  async rejectedRows(tenantId: string, stream: StreamName | undefined, limit: number, offset = 0) {
    const problem = pageProblem({ limit, offset }, MAX_REJECTED_ROWS_LISTED);
    if (problem !== undefined) {
      throw new IngestException(IngestErrorCode.InvalidRequest, problem);
    }
    const rows = await this.clickhouse.query({
      tag: 'ingest.rejected_rows',
      // each refused line once, as its first copy: a producer's retry stores it again
      sql: `SELECT stream, field, reason, ${firstCopyOf('request_id')} AS first_request,
                   ${firstCopyOf('line')} AS first_line, ${firstCopyOf('raw')} AS first_raw,
                   toString(min(received_at)) AS first_received
            FROM rejected_events
            WHERE tenant_id = {tenantId:String}
              AND ({stream:String} = '' OR stream = {stream:String})
            GROUP BY ${SAME_REFUSED_LINE}
            ORDER BY first_received DESC, first_request, first_line
            LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
      params: { tenantId, stream: stream ?? '', limit, offset },
      row: rejectedRow,
    });
    return rows.map((r) => ({
      stream: r.stream,
      requestId: r.first_request,
      line: r.first_line,
      field: r.field,
      reason: r.reason,
      raw: r.first_raw,
      receivedAt: dateFromClickHouse(r.first_received),
    }));
  }
}
