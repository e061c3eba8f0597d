import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '../../config/index.js';
import { JobName, QueueName } from '../../queue/index.js';
import { WebhookDeliverer } from './webhook-deliverer.js';
import {
  attemptsWithin,
  deliveryJobId,
  nextAttempt,
  retryPolicy,
  type RetryPolicy,
  WEBHOOK_BACKOFF,
  type WebhookDeliveryJob,
} from './webhook.job.js';
import { loggedFailure } from '../../errors/index.js';

/** The longest delay a Node timer keeps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * Hands a message to delivery: with Redis, a BullMQ job (retried with exponential backoff by
 * whichever process runs the processor, and kept across restarts); without, the same attempts on
 * timers in this process (lost if the process stops: the embedded mode has no durable queue).
 */
@Injectable()
export class WebhookDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(WebhookDispatcher.name);
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly deliverer: WebhookDeliverer,
    @Optional() @Inject(getQueueToken(QueueName.Webhooks)) private readonly queue?: Queue,
  ) {}

  get attempts(): number {
    return attemptsWithin(this.policy.baseMs, this.policy.windowMs);
  }

  private get policy(): RetryPolicy {
    return retryPolicy(this.config);
  }

  async dispatch(job: WebhookDeliveryJob): Promise<void> {
    if (this.queue !== undefined) {
      await this.queue.add(JobName.WebhookDelivery, job, {
        jobId: deliveryJobId(job),
        // an upper bound: the deliverer ends the job sooner when a Retry-After uses up the window
        attempts: this.attempts,
        backoff: { type: WEBHOOK_BACKOFF, delay: this.config.env.WEBHOOK_BACKOFF_MS },
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 1000 },
      });
      return;
    }
    this.schedule(job, 1, 0, 0);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
  }

  /**
   * Attempt `attempt` in `delayMs`, the waits before it adding up to `waitedMs`. A wait longer
   * than a timer holds (Node runs one of over 2^31 − 1 ms, 24.8 days, at once) is waited in parts.
   */
  private schedule(
    job: WebhookDeliveryJob,
    attempt: number,
    delayMs: number,
    waitedMs: number,
  ): void {
    if (this.stopped) {
      return;
    }
    const part = Math.min(delayMs, LONGEST_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (delayMs > part) {
        this.schedule(job, attempt, delayMs - part, waitedMs);
        return;
      }
      void this.run(job, attempt, waitedMs);
    }, part);
    this.timers.add(timer);
  }

  private async run(job: WebhookDeliveryJob, attempt: number, waitedMs: number): Promise<void> {
    try {
      const result = await this.deliverer.attempt(job, attempt, waitedMs);
      if (result.outcome === 'retry') {
        this.schedule(job, attempt + 1, result.waitMs, waitedMs + result.waitMs);
      }
    } catch (error) {
      // the store failed to record: try again later like a failed delivery
      this.logger.error(
        { err: loggedFailure(error), webhookId: job.webhookId, messageId: job.message.messageId },
        'webhook delivery attempt not recorded',
      );
      // within the window as after any failure: waits a Retry-After asked for may have used it
      const next = nextAttempt(attempt, waitedMs, undefined, this.policy);
      if (next.retry) {
        this.schedule(job, attempt + 1, next.waitMs, waitedMs + next.waitMs);
      }
    }
  }
}
