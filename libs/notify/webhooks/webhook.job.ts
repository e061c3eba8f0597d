import type { WebhookMessage } from './webhook-events.js';

/** The payload of JobName.WebhookDelivery: one message for one endpoint. */
export interface WebhookDeliveryJob {
  tenantId: string;
  webhookId: string;
  message: WebhookMessage;
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

/** The wait before attempt `next` (2, 3, …): base·2^(next−2), BullMQ's exponential backoff. */
export function delayBefore(next: number, baseMs: number): number {
  return baseMs * 2 ** (next - 2);
}
