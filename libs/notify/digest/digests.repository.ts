import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  ClickHouseService,
  dateFromClickHouse,
  dateToClickHouse,
  rowVersion,
} from '../../storage/index.js';

/** What setDigest sets: who gets the digest and when. */
export interface DigestSettings {
  tenantId: string;
  recipients: string[];
  /** Cron pattern, UTC. */
  schedule: string;
  updatedAt: Date;
}

/** What a send did: when, and the recipients the mail server refused (the others got it). */
export interface DigestSend {
  sentAt: Date;
  refused: string[];
}

/** A send that failed: when, and why. */
export interface DigestFailure {
  failedAt: Date;
  error: string;
}

/** A digest as stored: its settings and the result of its last send. */
export interface StoredDigest extends DigestSettings {
  lastSentAt: Date | null;
  /** The recipients the mail server refused at the last send; empty before the first. */
  lastRefused: string[];
  /** The last failed send when none succeeded after it; null otherwise. */
  lastFailure: DigestFailure | null;
}

const digestRow = z.object({
  tenant_id: z.string(),
  recipients: z.array(z.string()),
  schedule: z.string(),
  updated_at: z.string(),
  last_sent_at: z.string().nullable(),
  last_refused: z.array(z.string()),
  last_failed_at: z.string().nullable(),
  last_error: z.string(),
});

/**
 * digests (the settings, one row per tenant, ReplacingMergeTree by version) and digest_sends (the
 * last send per tenant): written apart, so that a send never writes back settings it read before
 * a setDigest, nor a setDigest a send's result.
 */
@Injectable()
export class DigestsRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async save(digest: DigestSettings): Promise<void> {
    await this.clickhouse.insert({
      table: 'digests',
      tag: 'notify.digest_save',
      rows: [
        {
          tenant_id: digest.tenantId,
          recipients: digest.recipients,
          schedule: digest.schedule,
          updated_at: dateToClickHouse(digest.updatedAt),
          version: rowVersion(),
        },
      ],
    });
  }

  /** Records a send of the tenant's digest. */
  async recordSend(tenantId: string, send: DigestSend): Promise<void> {
    await this.clickhouse.insert({
      table: 'digest_sends',
      tag: 'notify.digest_sent',
      rows: [
        { tenant_id: tenantId, sent_at: dateToClickHouse(send.sentAt), refused: send.refused },
      ],
    });
  }

  /** Records a failed send of the tenant's digest. */
  async recordFailure(tenantId: string, failure: DigestFailure): Promise<void> {
    await this.clickhouse.insert({
      table: 'digest_failures',
      tag: 'notify.digest_failed',
      rows: [
        {
          tenant_id: tenantId,
          failed_at: dateToClickHouse(failure.failedAt),
          error: failure.error,
        },
      ],
    });
  }

  /** Every tenant's digest (or one tenant's). */
  async list(tenantId?: string): Promise<StoredDigest[]> {
    const rows = await this.clickhouse.query({
      tag: 'notify.digest_list',
      sql: `-- the digests as last set, each with its last send and its last failure when no send
            -- came after it (none: an empty right side)
            SELECT d.tenant_id AS tenant_id, d.recipients AS recipients, d.schedule AS schedule,
                   d.updated_at AS updated_at,
                   if(s.tenant_id = '', NULL, s.sent_at) AS last_sent_at,
                   s.refused AS last_refused,
                   f.tenant_id != '' AND (s.tenant_id = '' OR f.failed_at > s.sent_at) AS failing,
                   if(failing, f.failed_at, NULL) AS last_failed_at,
                   if(failing, f.error, '') AS last_error
            FROM (
              SELECT tenant_id, recipients, schedule, updated_at
              FROM digests FINAL
              WHERE {any:Bool} OR tenant_id = {tenantId:String}
            ) AS d
            LEFT JOIN (
              SELECT tenant_id, sent_at, refused
              FROM digest_sends FINAL
              WHERE {any:Bool} OR tenant_id = {tenantId:String}
            ) AS s ON s.tenant_id = d.tenant_id
            LEFT JOIN (
              SELECT tenant_id, failed_at, error
              FROM digest_failures FINAL
              WHERE {any:Bool} OR tenant_id = {tenantId:String}
            ) AS f ON f.tenant_id = d.tenant_id
            ORDER BY tenant_id`,
      params: { any: tenantId === undefined, tenantId: tenantId ?? '' },
      row: digestRow,
      settings: { join_use_nulls: 0 },
    });
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      recipients: row.recipients,
      schedule: row.schedule,
      updatedAt: dateFromClickHouse(row.updated_at),
      lastSentAt: dateFromClickHouse(row.last_sent_at),
      lastRefused: row.last_refused,
      lastFailure:
        row.last_failed_at === null
          ? null
          : { failedAt: dateFromClickHouse(row.last_failed_at), error: row.last_error },
    }));
  }
}
