import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { failureName } from '../../errors/index.js';
import { JobName, QueueName } from '../../queue/index.js';
import type { DigestJob } from './digest.job.js';
import { DigestSender } from './digest-sender.js';

/** Sends a tenant's scheduled digest from Redis; the week is the one before the planned time. */
@Processor(QueueName.Digests, { concurrency: 1 })
export class DigestProcessor extends WorkerHost {
  constructor(private readonly digests: DigestSender) {
    super();
  }

  async process(job: Job<DigestJob, void, string>): Promise<void> {
    if (job.name !== (JobName.DigestSend as string)) {
      throw new UnrecoverableError(`unknown digests job ${job.name}`);
    }
    const plannedFor = job.opts.prevMillis ?? job.timestamp + job.delay;
    try {
      await this.digests.sendScheduled(job.data.tenantId, new Date(plannedFor));
    } catch (error) {
      // the job's failed reason, kept in Redis, names the failure, not the mail server's reply
      // quoting a recipient: the digest's own record (lastError) keeps that
      throw new Error(`digest not sent: ${failureName(error)}`, { cause: error });
    }
  }
}
