import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { JobName, QueueName } from '../../queue/index.js';
import { WebhookDeliverer, type AttemptOutcome } from './webhook-deliverer.js';
import type { WebhookDeliveryJob } from './webhook.job.js';

/**
 * Runs webhook deliveries from Redis: a failed attempt throws, so BullMQ retries it with the job's
 * exponential backoff until its attempts (WEBHOOK_RETRY_WINDOW_MS) are spent.
 */
@Processor(QueueName.Webhooks, { concurrency: 8 })
export class WebhookDeliveryProcessor extends WorkerHost {
  constructor(private readonly deliverer: WebhookDeliverer) {
    super();
  }

  async process(job: Job<WebhookDeliveryJob, AttemptOutcome, string>): Promise<AttemptOutcome> {
    if (job.name !== (JobName.WebhookDelivery as string)) {
      throw new UnrecoverableError(`unknown webhooks job ${job.name}`);
    }
    const outcome = await this.deliverer.attempt(job.data, job.attemptsMade + 1);
    if (outcome === 'retry') {
      throw new Error(`webhook ${job.data.webhookId}: attempt ${job.attemptsMade + 1} failed`);
    }
    return outcome;
  }
}
