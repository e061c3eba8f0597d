import type { AppConfig } from '../../config/index.js';
import type { WebhookMessage } from './webhook-events.js';

/** The payload of JobName.WebhookDelivery: one message for one endpoint. */
export interface WebhookDeliveryJob {
  tenantId: string;
  webhookId: string;
  message: WebhookMessage;
  /**
   * The waits before the attempt this job runs next, added up (the retry window's clock). Absent
   * on a job queued before it was kept: its waits were the backoff alone.
   */
  waitedMs?: number;
}

/** BullMQ's job id: one job per (endpoint, message), so a repeated emit enqueues nothing new. */
export function deliveryJobId(job: WebhookDeliveryJob): string {
  return `wh-${job.webhookId}-${job.message.messageId}`;
}

/**
 * Attempts that fit the retry window: the first at once, retry k after base·2^(k−1) more, as long
 * as the retry starts within `windowMs` of the first attempt (24 h by default).
 */
export function attemptsWithin(baseMs: number, windowMs: number): number {
  let attempts = 1;
  let elapsed = 0;
  while (elapsed + baseMs * 2 ** (attempts - 1) <= windowMs) {
    elapsed += baseMs * 2 ** (attempts - 1);
    attempts += 1;
  }
  return attempts;
}

/**
 * The BullMQ backoff type of a delivery job: the wait its last attempt chose (see
 * webhookBackoffStrategy), where `exponential` knew only the backoff.
 */
export const WEBHOOK_BACKOFF = 'webhook';

/** The wait before attempt `next` (2, 3, …): base·2^(next−2), BullMQ's exponential backoff. */
export function delayBefore(next: number, baseMs: number): number {
  return baseMs * 2 ** (next - 2);
}

/** The waits before attempt `attempt` when each was the backoff alone: base·(2^(attempt−1) − 1). */
export function backoffWaitedBefore(attempt: number, baseMs: number): number {
  return baseMs * (2 ** (attempt - 1) - 1);
}

/**
 * How long a Retry-After header asks to wait from `now`: a number of seconds, or until an HTTP
 * date (IMF-fixdate, RFC 850 or asctime, all with a day or month name, all GMT: asctime says so
 * by saying nothing); a date past is no wait. Undefined when it is neither (a negative or
 * fractional number, words).
 */
export function retryAfterMs(value: string, now: number): number | undefined {
  if (/^\d+$/.test(value)) {
    return Number(value) * 1000;
  }
  if (!/[A-Za-z]/.test(value)) {
    return undefined;
  }
  const at = Date.parse(/ GMT$/i.test(value) ? value : `${value} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How failed deliveries are retried: after `baseMs`, doubling, while within `windowMs`. */
export interface RetryPolicy {
  baseMs: number;
  windowMs: number;
}

/** The retry policy of WEBHOOK_BACKOFF_MS and WEBHOOK_RETRY_WINDOW_MS. */
export function retryPolicy(config: AppConfig): RetryPolicy {
  return {
    baseMs: config.env.WEBHOOK_BACKOFF_MS,
    windowMs: config.env.WEBHOOK_RETRY_WINDOW_MS,
  };
}

/**
 * What follows a failed attempt: the wait before the next, or that none fits the window, and
 * whether because of what the receiver asked (a Retry-After longer than the backoff).
 */
export type NextAttempt =
  { retry: true; waitMs: number } | { retry: false; asked: boolean; leftMs: number };

/**
 * The wait after failed attempt `attempt`, the waits before it adding up to `waitedMs`: its
 * backoff, or what the receiver asked (Retry-After) when that is longer. No retry when the waits
 * would add up to more than the window: a Retry-After is never cut short.
 */
export function nextAttempt(
  attempt: number,
  waitedMs: number,
  askedMs: number | undefined,
  policy: RetryPolicy,
): NextAttempt {
  const backoffMs = delayBefore(attempt + 1, policy.baseMs);
  const waitMs = Math.max(backoffMs, askedMs ?? 0);
  return waitedMs + waitMs <= policy.windowMs
    ? { retry: true, waitMs }
    : { retry: false, asked: waitMs > backoffMs, leftMs: Math.max(0, policy.windowMs - waitedMs) };
}
