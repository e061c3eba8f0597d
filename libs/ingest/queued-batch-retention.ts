import { getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/index.js';
import { RETENTION, withoutLines, type LineToCheck } from '../lifecycle/index.js';
import { deleteEventsUpTo, PeriodicRun, QueueName, replaceJobData } from '../queue/index.js';
import { fromClickHouseTime } from '../storage/index.js';
import { isStream, type StreamName } from './core.js';
import { ndjsonOf, type EarlierIngestJobPayload, type IngestJobPayload } from './ingest.job.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long Redis keeps the job of a batch once written: an hour (see the job's options). */
export const WRITTEN_BATCH_KEPT_MS = HOUR;

/** How long the store keeps rejected lines (migration 0008's TTL on their arrival). */
const REJECTED_KEPT_DAYS = 180;

/** Failed jobs read at once (each holds up to INGEST_MAX_ROWS rows). */
const FAILED_PAGE = 100;

/** Per stream, the storage column its retention counts from and the variable that sets it. */
const STREAM_RETENTION = new Map<string, (typeof RETENTION)[number]>(
  RETENTION.flatMap((r) => (isStream(r.table) ? [[r.table, r] as const] : [])),
);

type QueuedPayload = IngestJobPayload | EarlierIngestJobPayload;

/** What a sweep removed: written batches' jobs, and the rows and jobs of failed batches. */
export interface BatchSweep {
  writtenJobs: number;
  failedRows: number;
  failedJobs: number;
}

/**
 * Keeps the ingest jobs in Redis no longer than the data they carry may be kept. A written batch's
 * job goes after an hour (BullMQ removes one only when another completes, so the last ones of a
 * quiet tenant would otherwise stay). A failed batch holds accepted rows not stored yet: each row
 * stays as long as the store would keep it (RETENTION_DAYS_<STREAM> from its event time, as the
 * table's TTL; with no retention set, until the batch is retried; consent rows until the batch is
 * retried, since the days keep a person's latest consent event however old), its rejected lines 180 days
 * from the batch's arrival as the store keeps them, and the job goes with its last line. The
 * queue's events (a failure's reason among them) go after an hour. Runs hourly where the
 * processors run.
 */
@Injectable()
export class QueuedBatchRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(QueuedBatchRetention.name);
  private readonly periodic = new PeriodicRun(QueuedBatchRetention.name, () => this.sweep());

  constructor(
    private readonly config: AppConfig,
    @Optional() @Inject(getQueueToken(QueueName.Ingest)) private readonly queue?: Queue,
  ) {}

  onApplicationBootstrap(): void {
    if (this.queue !== undefined) {
      this.periodic.start(HOUR, { now: true });
    }
  }

  /** Stops the timer and waits for a sweep under way: the queue closes after this. */
  async onModuleDestroy(): Promise<void> {
    await this.periodic.stop();
  }

  /** One pass over the written and failed batches' jobs, as of `now`. */
  async sweep(now = Date.now()): Promise<BatchSweep> {
    const done: BatchSweep = { writtenJobs: 0, failedRows: 0, failedJobs: 0 };
    const queue = this.queue;
    if (queue === undefined) {
      return done;
    }
    // clean counts back from the clock: the written jobs kept are those of the hour before `now`
    const grace = Math.max(0, WRITTEN_BATCH_KEPT_MS + Date.now() - now);
    done.writtenJobs = (await queue.clean(grace, 0, 'completed')).length;
    // the queue's event log: a failure's reason (which may quote a row) is kept there too, and
    // nothing here reads an event once it is an hour old
    await deleteEventsUpTo(queue, now - WRITTEN_BATCH_KEPT_MS);
    // a page at a time, each job with its rows: a removed job moves the ones after it up
    for (let start = 0; ;) {
      const page = await queue.getJobs(['failed'], start, start + FAILED_PAGE - 1);
      const removedBefore = done.failedJobs;
      for (const job of page) {
        const removed = await this.pruneFailed(queue, job as Job<QueuedPayload>, now);
        done.failedRows += removed.rows;
        done.failedJobs += removed.job ? 1 : 0;
      }
      if (page.length < FAILED_PAGE) {
        break;
      }
      start += page.length - (done.failedJobs - removedBefore);
    }
    if (done.failedRows > 0) {
      this.logger.warn(
        `${done.failedRows} lines of failed ingest batches were past their retention and removed from the queue (${done.failedJobs} batches emptied)`,
      );
    }
    return done;
  }

  /** Removes the lines of a failed batch past their retention; the job itself once none is left. */
  private async pruneFailed(
    queue: Queue,
    job: Job<QueuedPayload>,
    now: number,
  ): Promise<{ rows: number; job: boolean }> {
    const data = job.data;
    if (job.id === undefined || !isStream(data.stream)) {
      return { rows: 0, job: false };
    }
    const past = this.pastRetention(data.stream, now);
    const { batch, removed } = withoutLines({ ...data, rejects: [] }, past);
    const rejectsKept = fromClickHouseTime(data.receivedAt) > now - REJECTED_KEPT_DAYS * DAY;
    const rejects = rejectsKept ? data.rejects : [];
    const rows = removed + data.rejects.length - rejects.length;
    if (rows === 0) {
      return { rows: 0, job: false };
    }
    if (ndjsonOf(batch).length === 0 && rejects.length === 0) {
      await job.remove();
      return { rows, job: true };
    }
    // an erasure may have rewritten the job since it was read: it is read again next hour
    const replaced = await replaceJobData(queue, job.id, data, { ...batch, rejects });
    return { rows: replaced ? rows : 0, job: false };
  }

  /** Whether a storage row of `stream` is past the stream's retention at `now`. */
  private pastRetention(stream: StreamName, now: number): (line: LineToCheck) => boolean {
    const retention = STREAM_RETENTION.get(stream);
    const days = retention === undefined ? undefined : this.config.env[retention.variable];
    if (retention === undefined || days === undefined) {
      return () => false;
    }
    return (line) => {
      const row = (line.value ?? JSON.parse(line.raw)) as Record<string, unknown>;
      const at = row[retention.column];
      return typeof at === 'string' && fromClickHouseTime(at) + days * DAY < now;
    };
  }
}
