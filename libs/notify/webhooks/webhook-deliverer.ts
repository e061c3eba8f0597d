import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { NotifyException } from '../notify.exception.js';
import { checkTarget, HostResolver, parseWebhookUrl } from './address-guard.js';
import { messageBody } from './webhook-events.js';
import { nextAttempt, retryAfterMs, retryPolicy, type WebhookDeliveryJob } from './webhook.job.js';
import { postJson, type SendResult } from './webhook-sender.js';
import { signWebhook } from './webhook-signature.js';
import { DeliveryStatus, WebhooksRepository } from './webhooks.repository.js';

/**
 * What one attempt came to, for whoever schedules the next: `spent` is a failure the retry window
 * leaves no time to try again.
 */
export type AttemptOutcome = 'delivered' | 'retry' | 'stop' | 'spent';

/** The outcome, with the wait before the next attempt when there is one. */
export type AttemptResult =
  { outcome: Exclude<AttemptOutcome, 'retry'> } | { outcome: 'retry'; waitMs: number };

/**
 * One delivery attempt of one message to one endpoint, the same for the BullMQ processor and the
 * in-process timer: checks the target again (its name may resolve elsewhere now), signs, posts to
 * the checked address and records the attempt.
 */
@Injectable()
export class WebhookDeliverer {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: WebhooksRepository,
    private readonly resolver: HostResolver,
  ) {}

  /**
   * Attempt `attempt` (1 for the first), the waits before it adding up to `waitedMs`: when it fails,
   * the answer says how long to wait before the next (its backoff, or the receiver's Retry-After
   * when longer), or that none fits the retry window.
   */
  async attempt(
    job: WebhookDeliveryJob,
    attempt: number,
    waitedMs: number,
  ): Promise<AttemptResult> {
    const [webhook] = await this.repository.list(job.tenantId, job.webhookId);
    if (webhook === undefined || webhook.disabledAt !== null) {
      // deleted since the event, or its receiver answered 410 Gone to a message: nobody to tell
      return { outcome: 'stop' };
    }
    const record = {
      tenantId: job.tenantId,
      webhookId: job.webhookId,
      messageId: job.message.messageId,
      event: job.message.event,
      attempt,
    };
    let target;
    try {
      target = await checkTarget(
        parseWebhookUrl(webhook.url),
        this.resolver,
        this.config.env.WEBHOOK_ALLOW_PRIVATE === 'true',
      );
    } catch (error) {
      const message = error instanceof NotifyException ? error.message : String(error);
      await this.repository.recordAttempt({
        ...record,
        status: DeliveryStatus.REFUSED,
        responseStatus: null,
        error: message,
        at: new Date(),
        retryAfter: null,
        nextAttemptAt: null,
      });
      return { outcome: 'stop' };
    }
    const timestamp = Math.floor(Date.now() / 1000);
    const body = messageBody(job.message, webhook.format);
    const headers = {
      'webhook-id': job.message.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(webhook.secret, job.message.messageId, timestamp, body),
    };
    const result = await postJson(target, headers, body, this.config.env.WEBHOOK_TIMEOUT_MS);
    const status = attemptStatus(result);
    const at = new Date();
    const next = status === DeliveryStatus.FAILED ? this.next(result, attempt, waitedMs, at) : {};
    await this.repository.recordAttempt({
      ...record,
      status,
      responseStatus: result.status,
      error: [result.ok ? '' : result.error, next.why ?? ''].filter((e) => e !== '').join('; '),
      at,
      retryAfter: result.ok ? null : (result.retryAfter ?? null),
      nextAttemptAt: next.waitMs === undefined ? null : new Date(at.getTime() + next.waitMs),
    });
    if (status === DeliveryStatus.GONE) {
      await this.repository.disable(job.tenantId, job.webhookId, at);
    }
    if (status !== DeliveryStatus.FAILED) {
      return { outcome: OUTCOMES[status] };
    }
    return next.waitMs === undefined
      ? { outcome: 'spent' }
      : { outcome: 'retry', waitMs: next.waitMs };
  }

  /** The wait after a failed attempt, or why there is no next one (said in its record). */
  private next(
    result: SendResult,
    attempt: number,
    waitedMs: number,
    at: Date,
  ): { waitMs?: number; why?: string } {
    const header = result.ok ? undefined : result.retryAfter;
    const askedMs = header === undefined ? undefined : retryAfterMs(header, at.getTime());
    const unread =
      header !== undefined && askedMs === undefined
        ? `Retry-After "${header}" is neither seconds nor an HTTP date: the backoff applies`
        : undefined;
    const next = nextAttempt(attempt, waitedMs, askedMs, retryPolicy(this.config));
    if (next.retry) {
      return { waitMs: next.waitMs, why: unread };
    }
    const left = `${seconds(next.leftMs)} s left of the retry window`;
    return {
      why: next.asked
        ? `not tried again: the receiver asked to wait (Retry-After: ${header}) longer than the ${left}`
        : [unread, `not tried again: the next backoff is longer than the ${left}`]
            .filter((part) => part !== undefined)
            .join('; '),
    };
  }
}

const SECONDS = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** Milliseconds as seconds to the tenth, as a person reads a wait (3,600; 9.8). */
function seconds(ms: number): string {
  return SECONDS.format(ms / 1000);
}

/**
 * What an answer makes of the attempt: 410 Gone is the receiver saying to stop (Standard Webhooks),
 * which disables the endpoint.
 */
function attemptStatus(result: SendResult): DeliveryStatus {
  if (result.ok) {
    return DeliveryStatus.DELIVERED;
  }
  return result.status === 410 ? DeliveryStatus.GONE : DeliveryStatus.FAILED;
}

const OUTCOMES: Record<Exclude<DeliveryStatus, DeliveryStatus.FAILED>, 'delivered' | 'stop'> = {
  [DeliveryStatus.DELIVERED]: 'delivered',
  [DeliveryStatus.REFUSED]: 'stop',
  [DeliveryStatus.GONE]: 'stop',
};
