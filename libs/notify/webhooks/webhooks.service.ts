import { Injectable, Optional } from '@nestjs/common';
import { AuditLogService } from '../../audit/index.js';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/index.js';
import { pageProblem } from '../../errors/index.js';
import { NotifyErrorCode, NotifyException, notFound } from '../notify.exception.js';
import { checkTarget, HostResolver, parseWebhookUrl } from './address-guard.js';
import {
  isWebhookEvent,
  WebhookFormat,
  type MessageLink,
  type WebhookEvent,
} from './webhook-events.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { newWebhookSecret } from './webhook-signature.js';
import {
  WebhooksRepository,
  type DeliveryRecord,
  type StoredWebhook,
} from './webhooks.repository.js';

/** Most endpoints per tenant, and most attempts one list answers. */
export const MAX_WEBHOOKS = 50;
export const MAX_DELIVERIES_LISTED = 1000;

/**
 * Webhook endpoints and the events they receive. Each admin action (create, delete) is one method.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: WebhooksRepository,
    private readonly resolver: HostResolver,
    private readonly dispatcher: WebhookDispatcher,
    @Optional() private readonly audit?: AuditLogService,
  ) {}

  /** Adds an endpoint; its URL must resolve only to public addresses. The secret is in the answer once. */
  async create(
    tenantId: string,
    input: { url: string; events: string[]; format?: WebhookFormat | null },
    actorKeyId?: string,
  ): Promise<StoredWebhook> {
    const url = parseWebhookUrl(input.url);
    const events = validEvents(input.events);
    await checkTarget(url, this.resolver, this.config.env.WEBHOOK_ALLOW_PRIVATE === 'true');
    if ((await this.repository.list(tenantId)).length >= MAX_WEBHOOKS) {
      throw new NotifyException(
        NotifyErrorCode.InvalidRequest,
        `at most ${MAX_WEBHOOKS} webhooks per tenant; delete one first`,
      );
    }
    const webhook: StoredWebhook = {
      tenantId,
      webhookId: `wh_${randomBytes(12).toString('hex')}`,
      url: url.toString(),
      events,
      format: input.format ?? WebhookFormat.STANDARD,
      secret: newWebhookSecret(),
      createdAt: new Date(),
      disabledAt: null,
    };
    // recorded first: a failed write stops the action, which never happens unrecorded
    await this.audit?.record({
      tenantId,
      actorKeyId,
      action: 'webhook.created',
      target: webhook.webhookId,
      // the host only: a URL's path or query may itself be the secret (a Slack incoming webhook),
      // and the audit log keeps every entry for good
      detail: { host: url.host, events, format: webhook.format },
    });
    await this.repository.create(webhook);
    return webhook;
  }

  list(tenantId: string): Promise<StoredWebhook[]> {
    return this.repository.list(tenantId);
  }

  /** Removes an endpoint; messages still queued for it are dropped at their next attempt. */
  async delete(tenantId: string, webhookId: string, actorKeyId?: string): Promise<boolean> {
    if ((await this.repository.list(tenantId, webhookId)).length === 0) {
      throw notFound('webhook', webhookId);
    }
    await this.audit?.record({
      tenantId,
      actorKeyId,
      action: 'webhook.deleted',
      target: webhookId,
    });
    await this.repository.delete(tenantId, webhookId, new Date());
    return true;
  }

  async deliveries(
    tenantId: string,
    webhookId: string,
    limit?: number | null,
  ): Promise<DeliveryRecord[]> {
    const wanted = limit ?? 100;
    const problem = pageProblem({ limit: wanted }, MAX_DELIVERIES_LISTED);
    if (problem !== undefined) {
      throw new NotifyException(NotifyErrorCode.InvalidRequest, problem);
    }
    return this.repository.deliveries(tenantId, webhookId, wanted);
  }

  /**
   * Tells every endpoint of the tenant subscribed to the event, but those a 410 Gone disabled.
   * `eventId` identifies the event (an alert's id and state, a snapshot's id): the same event
   * emitted twice is one message.
   */
  async emit(
    tenantId: string,
    event: WebhookEvent,
    eventId: string,
    data: Record<string, unknown>,
    summary: string,
    link?: MessageLink,
  ): Promise<number> {
    const endpoints = await this.endpoints(tenantId, [event]);
    for (const endpoint of endpoints) {
      await this.dispatcher.dispatch({
        tenantId,
        webhookId: endpoint.webhookId,
        message: {
          messageId: `msg_${eventId}`,
          event,
          timestamp: new Date().toISOString(),
          data,
          summary,
          ...(link === undefined ? {} : { link }),
        },
      });
    }
    return endpoints.length;
  }

  /** Whether an endpoint of the tenant would be told of any of the events. */
  async listens(tenantId: string, events: readonly WebhookEvent[]): Promise<boolean> {
    return (await this.endpoints(tenantId, events)).length > 0;
  }

  /** The endpoints subscribed to any of the events, but those a 410 Gone disabled. */
  private async endpoints(
    tenantId: string,
    events: readonly WebhookEvent[],
  ): Promise<StoredWebhook[]> {
    return (await this.repository.list(tenantId)).filter(
      (w) => w.disabledAt === null && events.some((event) => w.events.includes(event)),
    );
  }
}

function validEvents(events: string[]): WebhookEvent[] {
  if (events.length === 0) {
    throw new NotifyException(NotifyErrorCode.InvalidRequest, 'events: name at least one event');
  }
  const unknown = events.filter((e) => !isWebhookEvent(e));
  if (unknown.length > 0) {
    throw new NotifyException(
      NotifyErrorCode.InvalidRequest,
      `events: unknown ${unknown.map((e) => `"${e}"`).join(', ')}; known: alert.opened, alert.resolved, snapshot.created`,
    );
  }
  return [...new Set(events.filter(isWebhookEvent))];
}
