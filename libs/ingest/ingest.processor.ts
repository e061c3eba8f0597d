import { Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { PersonBlocklist, withoutLines } from '../lifecycle/index.js';
import { JobName, QueueName } from '../queue/index.js';
import { isUnavailable } from '../storage/index.js';
import { IngestWriter } from './ingest-writer.js';
import type { EarlierIngestJobPayload, IngestJobPayload } from './ingest.job.js';
import { isStream } from './core.js';

/** The longest wait between two tries of a batch while the store takes no write. */
export const OUTAGE_WAIT_MAX_MS = 60_000;

/**
 * How long a batch waits for a store that took no write: its backoff (INGEST_JOB_BACKOFF_MS, as
 * the job was queued with it) doubled at each try, up to OUTAGE_WAIT_MAX_MS.
 */
function outageWaitMs(job: Job): number {
  const backoff = job.opts.backoff;
  const baseMs = (typeof backoff === 'number' ? backoff : backoff?.delay) ?? 1_000;
  const tries = Math.min(Math.max(job.attemptsStarted, 1), 30);
  return Math.min(baseMs * 2 ** (tries - 1), OUTAGE_WAIT_MAX_MS);
}

/**
 * Writes queued ingest batches to ClickHouse; BullMQ retries failures with exponential backoff.
 * A store that takes no write (unavailable: its disk full or unwritable, a server restarting) is
 * waited for instead (outageWaitMs), without using up an attempt: an outage longer than the
 * attempts last would otherwise leave acknowledged batches in the failed set, stored only when
 * someone retries them.
 * A batch whose worker died (SIGKILL, OOM) is handed to another once its lock lapses: a write takes
 * well under a second, so a 10 s lock checked every 5 s brings it back within 15 s, and since
 * writes are idempotent a batch may stall and rerun several times without counting twice.
 */
@Processor(QueueName.Ingest, {
  concurrency: 2,
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 8,
})
export class IngestProcessor extends WorkerHost {
  constructor(
    private readonly writer: IngestWriter,
    private readonly blocklist: PersonBlocklist,
  ) {
    super();
  }

  async process(
    job: Job<IngestJobPayload | EarlierIngestJobPayload, void, JobName>,
    token?: string,
  ): Promise<void> {
    if (job.name !== JobName.IngestBatch || !isStream(job.data.stream)) {
      throw new UnrecoverableError(`unknown ingest job ${job.name} for stream ${job.data.stream}`);
    }
    try {
      await this.write(job);
    } catch (error) {
      if (!isUnavailable(error) || token === undefined) {
        throw error;
      }
      await job.moveToDelayed(Date.now() + outageWaitMs(job), token);
      throw new DelayedError();
    }
  }

  private async write(
    job: Job<IngestJobPayload | EarlierIngestJobPayload, void, JobName>,
  ): Promise<void> {
    // Validated before its persons' erasure, a batch may be written after it (a retry, a queue
    // that drained late): the rows of persons erased since (and their firings' exposures) are
    // left out here, and from the job Redis keeps (completed for an hour, failed until retried).
    const erased = await this.blocklist.checkFor(job.data.tenantId);
    if (erased === undefined) {
      await this.writer.write(job.data);
      return;
    }
    const { batch, removed } = withoutLines(job.data, (line) => erased(line) !== undefined);
    if (removed > 0) {
      await job.updateData(batch);
    }
    await this.writer.write(batch);
  }
}
