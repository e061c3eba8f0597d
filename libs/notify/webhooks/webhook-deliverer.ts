import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { NotifyException } from '../notify.exception.js';
import { checkTarget, HostResolver, parseWebhookUrl } from './address-guard.js';
import { messageBody } from './webhook-events.js';
import type { WebhookDeliveryJob } from './webhook.job.js';
import { postJson, type SendResult } from './webhook-sender.js';
import { signWebhook } from './webhook-signature.js';
import { DeliveryStatus, WebhooksRepository } from './webhooks.repository.js';

/** What one attempt came to, for whoever schedules the next. */
export type AttemptOutcome = 'delivered' | 'retry' | 'stop';

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

  async attempt(job: WebhookDeliveryJob, attempt: number): Promise<AttemptOutcome> {
    const [webhook] = await this.repository.list(job.tenantId, job.webhookId);
    if (webhook === undefined || webhook.disabledAt !== null) {
      // deleted since the event, or its receiver answered 410 Gone to a message: nobody to tell
      return 'stop';
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
      });
      return 'stop';
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
    await this.repository.recordAttempt({
      ...record,
      status,
      responseStatus: result.status,
      error: result.ok ? '' : result.error,
      at,
    });
    if (status === DeliveryStatus.GONE) {
      await this.repository.disable(job.tenantId, job.webhookId, at);
    }
    return OUTCOMES[status];
  }
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

const OUTCOMES: Record<DeliveryStatus, AttemptOutcome> = {
  [DeliveryStatus.DELIVERED]: 'delivered',
  [DeliveryStatus.FAILED]: 'retry',
  [DeliveryStatus.REFUSED]: 'stop',
  [DeliveryStatus.GONE]: 'stop',
};
