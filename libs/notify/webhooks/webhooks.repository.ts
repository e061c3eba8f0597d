import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  ClickHouseService,
  dateFromClickHouse,
  dateToClickHouse,
  rowVersion,
} from '../../storage/index.js';
import { WebhookFormat } from './webhook-events.js';

/** A stored endpoint, secret included (never returned by the API after creation). */
export interface StoredWebhook {
  tenantId: string;
  webhookId: string;
  url: string;
  events: string[];
  format: WebhookFormat;
  secret: string;
  createdAt: Date;
  /** When its receiver's 410 Gone disabled it; null while it takes messages. */
  disabledAt: Date | null;
}

/** What happened to one attempt. */
export enum DeliveryStatus {
  /** The receiver answered 2xx. */
  DELIVERED = 'DELIVERED',
  /** No 2xx answer (error status, redirect, timeout, connection failure): retried while time is left. */
  FAILED = 'FAILED',
  /** The target resolved to a refused address at delivery time: not sent, not retried. */
  REFUSED = 'REFUSED',
  /** The receiver answered 410 Gone (it wants no more messages): not retried, the endpoint disabled. */
  GONE = 'GONE',
}

export interface DeliveryRecord {
  tenantId: string;
  webhookId: string;
  messageId: string;
  event: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string;
  at: Date;
  /** The receiver's Retry-After, as sent with a 429 or 503; null when it asked nothing. */
  retryAfter: string | null;
  /** When the next attempt is due; null when none follows. */
  nextAttemptAt: Date | null;
}

const webhookRow = z.object({
  tenant_id: z.string(),
  webhook_id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  format: z.enum(WebhookFormat),
  secret: z.string(),
  created_at: z.string(),
  disabled_at: z.string().nullable(),
});

const deliveryRow = z.object({
  tenant_id: z.string(),
  webhook_id: z.string(),
  message_id: z.string(),
  event: z.string(),
  attempt: z.number(),
  status: z.enum(DeliveryStatus),
  response_status: z.number().nullable(),
  error: z.string(),
  at: z.string(),
  retry_after: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
});

function toWebhook(row: z.infer<typeof webhookRow>): StoredWebhook {
  return {
    tenantId: row.tenant_id,
    webhookId: row.webhook_id,
    url: row.url,
    events: row.events,
    format: row.format,
    secret: row.secret,
    createdAt: dateFromClickHouse(row.created_at),
    disabledAt: dateFromClickHouse(row.disabled_at),
  };
}

/** What befell an endpoint after its creation: one appended webhook_changes row each. */
enum WebhookChange {
  /** Its receiver answered 410 Gone; the earliest such row is when it was disabled. */
  DISABLED = 'DISABLED',
  /** deleteWebhook removed it, for good. */
  DELETED = 'DELETED',
}

/**
 * webhooks (one row per endpoint, written once at creation), webhook_changes (its disablings and
 * deletion, appended, never rewritten: migration 0137) and webhook_deliveries (one appended row per
 * attempt). An endpoint's state is derived from its changes, so writes made at the same moment by
 * several processes, in whatever order they land, cannot undo one another: a deletion stays final.
 */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /** Stores a new endpoint. */
  async create(webhook: StoredWebhook): Promise<void> {
    await this.clickhouse.insert({
      table: 'webhooks',
      tag: 'notify.webhook_create',
      rows: [
        {
          tenant_id: webhook.tenantId,
          webhook_id: webhook.webhookId,
          url: webhook.url,
          events: webhook.events,
          format: webhook.format,
          secret: webhook.secret,
          created_at: dateToClickHouse(webhook.createdAt),
          disabled_at: dateToClickHouse(webhook.disabledAt),
          deleted: 0,
          version: rowVersion(),
        },
      ],
    });
  }

  /** The tenant's live endpoints (or one of them), oldest first. */
  async list(tenantId: string, webhookId?: string): Promise<StoredWebhook[]> {
    const rows = await this.clickhouse.query({
      tag: 'notify.webhook_list',
      sql: `-- the tenant's endpoints, those deleted left out (by their row before migration 0137)
            WITH live AS (
              SELECT tenant_id, webhook_id, url, events, format, secret, created_at, disabled_at
              FROM webhooks FINAL
              WHERE tenant_id = {tenantId:String}
                AND ({any:Bool} OR webhook_id = {webhookId:String})
                AND deleted = 0
                AND webhook_id NOT IN (
                  SELECT webhook_id FROM webhook_changes
                  WHERE tenant_id = {tenantId:String} AND change = {deleted:String}
                )
            ),
            -- the first 410 Gone of each endpoint that had one
            gone AS (
              SELECT webhook_id, toNullable(min(at)) AS first_gone
              FROM webhook_changes
              WHERE tenant_id = {tenantId:String} AND change = {disabled:String}
              GROUP BY webhook_id
            )
            -- disabled since the earlier of its first 410 Gone and the time its row holds
            -- (written there before migration 0137); first_gone is NULL where no 410 Gone came
            SELECT l.tenant_id AS tenant_id, l.webhook_id AS webhook_id, l.url AS url,
                   l.events AS events, l.format AS format, l.secret AS secret,
                   l.created_at AS created_at,
                   least(coalesce(l.disabled_at, g.first_gone),
                         coalesce(g.first_gone, l.disabled_at)) AS disabled_at
            FROM live AS l
            LEFT JOIN gone AS g ON g.webhook_id = l.webhook_id
            ORDER BY created_at, webhook_id`,
      params: {
        tenantId,
        any: webhookId === undefined,
        webhookId: webhookId ?? '',
        deleted: WebhookChange.DELETED,
        disabled: WebhookChange.DISABLED,
      },
      row: webhookRow,
    });
    return rows.map(toWebhook);
  }

  /**
   * Disables an endpoint whose receiver answered 410 Gone at `at`. Appended: the earliest such
   * time is the endpoint's, and a deletion made meanwhile stays.
   */
  async disable(tenantId: string, webhookId: string, at: Date): Promise<void> {
    await this.change(tenantId, webhookId, WebhookChange.DISABLED, at, 'notify.webhook_disable');
  }

  /** Deletes an endpoint for good: no later write brings it back. */
  async delete(tenantId: string, webhookId: string, at: Date): Promise<void> {
    await this.change(tenantId, webhookId, WebhookChange.DELETED, at, 'notify.webhook_delete');
  }

  private async change(
    tenantId: string,
    webhookId: string,
    change: WebhookChange,
    at: Date,
    tag: string,
  ): Promise<void> {
    await this.clickhouse.insert({
      table: 'webhook_changes',
      tag,
      rows: [{ tenant_id: tenantId, webhook_id: webhookId, change, at: dateToClickHouse(at) }],
    });
  }

  async recordAttempt(record: DeliveryRecord): Promise<void> {
    await this.clickhouse.insert({
      table: 'webhook_deliveries',
      tag: 'notify.delivery_record',
      rows: [
        {
          tenant_id: record.tenantId,
          webhook_id: record.webhookId,
          message_id: record.messageId,
          event: record.event,
          attempt: record.attempt,
          status: record.status,
          response_status: record.responseStatus,
          error: record.error,
          at: dateToClickHouse(record.at),
          retry_after: record.retryAfter,
          next_attempt_at: dateToClickHouse(record.nextAttemptAt),
        },
      ],
    });
  }

  /** An endpoint's latest attempts, newest first. */
  async deliveries(tenantId: string, webhookId: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.clickhouse.query({
      tag: 'notify.delivery_list',
      sql: `-- one endpoint's attempts, newest first
            SELECT tenant_id, webhook_id, message_id, event, attempt, status, response_status,
                   error, at, retry_after, next_attempt_at
            FROM webhook_deliveries
            WHERE tenant_id = {tenantId:String} AND webhook_id = {webhookId:String}
            ORDER BY at DESC, attempt DESC
            LIMIT {limit:UInt32}`,
      params: { tenantId, webhookId, limit },
      row: deliveryRow,
    });
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      webhookId: row.webhook_id,
      messageId: row.message_id,
      event: row.event,
      attempt: row.attempt,
      status: row.status,
      responseStatus: row.response_status,
      error: row.error,
      at: dateFromClickHouse(row.at),
      retryAfter: row.retry_after,
      nextAttemptAt: dateFromClickHouse(row.next_attempt_at),
    }));
  }
}
