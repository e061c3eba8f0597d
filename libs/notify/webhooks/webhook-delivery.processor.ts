import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job, type MinimalJob } from 'bullmq';
import { AppConfig } from '../../config/index.js';
import { JobName, QueueName } from '../../queue/index.js';
import { WebhookDeliverer, type AttemptOutcome, type AttemptResult } from './webhook-deliverer.js';
import {
  backoffWaitedBefore,
  nextAttempt,
  retryPolicy,
  type WebhookDeliveryJob,
} from './webhook.job.js';
import { failureName } from '../../errors/index.js';

/** A failed attempt to be tried again in `waitMs` (its backoff, or the receiver's Retry-After). */
class RetryDelivery extends Error {
  constructor(
    message: string,
    readonly waitMs: number,
  ) {
    super(message);
  }
}

/**
 * BullMQ's wait before a delivery job's next attempt: what the failed attempt chose; after an
 * error of the attempt itself (its record not written), the exponential backoff.
 */
export function webhookBackoffStrategy(
  attemptsMade: number,
  _type?: string,
  error?: Error,
  job?: MinimalJob,
): number {
  if (error instanceof RetryDelivery) {
    return error.waitMs;
  }
  const backoff = job?.opts.backoff;
  const baseMs = typeof backoff === 'number' ? backoff : (backoff?.delay ?? 0);
  return baseMs * 2 ** (attemptsMade - 1);
}

/**
 * Runs webhook deliveries from Redis: a failed attempt throws, so BullMQ retries it after the wait
 * the deliverer chose, until the retry window (WEBHOOK_RETRY_WINDOW_MS) leaves no time.
 */
@Processor(QueueName.Webhooks, {
  concurrency: 8,
  settings: { backoffStrategy: webhookBackoffStrategy },
})
export class WebhookDeliveryProcessor extends WorkerHost {
  constructor(
    private readonly config: AppConfig,
    private readonly deliverer: WebhookDeliverer,
  ) {
    super();
  }

  async process(job: Job<WebhookDeliveryJob, AttemptOutcome, string>): Promise<AttemptOutcome> {
    if (job.name !== (JobName.WebhookDelivery as string)) {
      throw new UnrecoverableError(`unknown webhooks job ${job.name}`);
    }
    const attempt = job.attemptsMade + 1;
    const waitedMs =
      job.data.waitedMs ?? backoffWaitedBefore(attempt, this.config.env.WEBHOOK_BACKOFF_MS);
    const failed = `webhook ${job.data.webhookId}: attempt ${attempt} failed`;
    let result: AttemptResult;
    try {
      result = await this.deliverer.attempt(job.data, attempt, waitedMs);
    } catch (error) {
      // the attempt itself failed (the store, say): BullMQ retries after the backoff, a wait that
      // counts toward the window as any other, and that may not fit what a Retry-After left of it
      const next = nextAttempt(attempt, waitedMs, undefined, retryPolicy(this.config));
      if (!next.retry) {
        throw new UnrecoverableError(
          `${failed} (${failureName(error)}), with no time left in its retry window`,
        );
      }
      await job.updateData({ ...job.data, waitedMs: waitedMs + next.waitMs });
      throw error;
    }
    switch (result.outcome) {
      case 'retry':
        // the window's clock, kept with the job for the attempt after this one
        await job.updateData({ ...job.data, waitedMs: waitedMs + result.waitMs });
        throw new RetryDelivery(failed, result.waitMs);
      case 'spent':
        throw new UnrecoverableError(`${failed}, with no time left in its retry window`);
      case 'delivered':
      case 'stop':
        return result.outcome;
    }
  }
}
