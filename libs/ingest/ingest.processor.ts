import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { PersonBlocklist, withoutLines } from '../lifecycle/index.js';
import { JobName, QueueName } from '../queue/index.js';
import { IngestWriter } from './ingest-writer.js';
import type { EarlierIngestJobPayload, IngestJobPayload } from './ingest.job.js';
import { isStream } from './core.js';

/**
 * Writes queued ingest batches to ClickHouse; BullMQ retries failures with exponential backoff.
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
  ): Promise<void> {
    if (job.name !== JobName.IngestBatch || !isStream(job.data.stream)) {
      throw new UnrecoverableError(`unknown ingest job ${job.name} for stream ${job.data.stream}`);
    }
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
