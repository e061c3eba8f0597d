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
  /** Cron pattern, read in `timeZone`. */
  schedule: string;
  /** The IANA time zone the schedule is read in (UTC for digests set before there was one). */
  timeZone: string;
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
  /** The error's message, which may quote an address the mail server refused. */
  error: string;
  /**
   * What failed, naming no person (the mail server refused its 2 recipients); absent for a
   * failure recorded before it was kept (migration 0123).
   */
  kind?: string;
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
  time_zone: z.string(),
  updated_at: z.string(),
  last_sent_at: z.string().nullable(),
  last_refused: z.array(z.string()),
  last_failed_at: z.string().nullable(),
  last_error: z.string(),
  last_failure_kind: z.string(),
});

const failureRow = z.object({
  last_failed_at: z.string().nullable(),
  last_error: z.string(),
  last_failure_kind: z.string(),
});

/**
 * Per tenant, its last send and its last failure when no send came after it, among the attempts
 * up to {asOf} (all of them when {latest}). A send and a failure at the same millisecond: the
 * send is the later.
 */
const LAST_ATTEMPTS_SQL = `
  SELECT tenant_id,
         countIf(sent) > 0 AS ever_sent,
         if(ever_sent, maxIf(attempted_at, sent), NULL) AS last_sent_at,
         argMaxIf(refused, attempted_at, sent) AS last_refused,
         countIf(NOT sent) > 0 AND (NOT ever_sent OR maxIf(attempted_at, NOT sent) > maxIf(attempted_at, sent))
           AS failing,
         if(failing, maxIf(attempted_at, NOT sent), NULL) AS last_failed_at,
         if(failing, argMaxIf(error, attempted_at, NOT sent), '') AS last_error,
         if(failing, argMaxIf(failure_kind, attempted_at, NOT sent), '') AS last_failure_kind
  FROM digest_attempts
  WHERE ({any:Bool} OR tenant_id = {tenantId:String})
    AND ({latest:Bool} OR attempted_at <= {asOf:DateTime64(3, 'UTC')})
  GROUP BY tenant_id`;

/**
 * digests (the settings, one row per tenant, ReplacingMergeTree by version) and digest_attempts
 * (every send and failed send, migration 0099): written apart, so that a send never writes back
 * settings it read before a setDigest, nor a setDigest a send's result.
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
          time_zone: digest.timeZone,
          updated_at: dateToClickHouse(digest.updatedAt),
          version: rowVersion(),
        },
      ],
    });
  }

  /** Records a send of the tenant's digest. */
  recordSend(tenantId: string, send: DigestSend): Promise<void> {
    return this.recordAttempt(tenantId, send.sentAt, { sent: true, refused: send.refused });
  }

  /** Records a failed send of the tenant's digest. */
  recordFailure(tenantId: string, failure: DigestFailure): Promise<void> {
    return this.recordAttempt(tenantId, failure.failedAt, {
      sent: false,
      error: failure.error,
      kind: failure.kind,
    });
  }

  private async recordAttempt(
    tenantId: string,
    at: Date,
    result: { sent: boolean; refused?: string[]; error?: string; kind?: string },
  ): Promise<void> {
    await this.clickhouse.insert({
      table: 'digest_attempts',
      tag: result.sent ? 'notify.digest_sent' : 'notify.digest_failed',
      rows: [
        {
          tenant_id: tenantId,
          attempted_at: dateToClickHouse(at),
          sent: result.sent,
          refused: result.refused ?? [],
          error: result.error ?? '',
          failure_kind: result.kind ?? '',
        },
      ],
    });
  }

  /**
   * The tenant's digest failure as it stood at `asOf`: its last failed send up to then when no
   * send succeeded between it and `asOf`; null otherwise. A send after `asOf` does not clear it.
   */
  async failureAsOf(tenantId: string, asOf: Date): Promise<DigestFailure | null> {
    const [row] = await this.clickhouse.query({
      tag: 'notify.digest_failure_as_of',
      sql: `-- the tenant's last failure up to {asOf}, when no send came after it
            SELECT last_failed_at, last_error, last_failure_kind FROM (${LAST_ATTEMPTS_SQL})`,
      params: { any: false, tenantId, latest: false, asOf: dateToClickHouse(asOf) },
      row: failureRow,
    });
    return failureOf(row);
  }

  /** Every tenant's digest (or one tenant's). */
  async list(tenantId?: string): Promise<StoredDigest[]> {
    const rows = await this.clickhouse.query({
      tag: 'notify.digest_list',
      sql: `-- the digests as last set, each with its last send and its last failure when no send
            -- came after it (no attempt yet: no row on the right)
            SELECT d.tenant_id AS tenant_id, d.recipients AS recipients, d.schedule AS schedule,
                   d.time_zone AS time_zone, d.updated_at AS updated_at,
                   a.last_sent_at AS last_sent_at, a.last_refused AS last_refused,
                   a.last_failed_at AS last_failed_at, a.last_error AS last_error,
                   a.last_failure_kind AS last_failure_kind
            FROM (
              SELECT tenant_id, recipients, schedule, time_zone, updated_at
              FROM digests FINAL
              WHERE {any:Bool} OR tenant_id = {tenantId:String}
            ) AS d
            LEFT JOIN (${LAST_ATTEMPTS_SQL}) AS a ON a.tenant_id = d.tenant_id
            ORDER BY tenant_id`,
      params: {
        any: tenantId === undefined,
        tenantId: tenantId ?? '',
        latest: true,
        asOf: dateToClickHouse(new Date(0)),
      },
      row: digestRow,
      settings: { join_use_nulls: 0 },
    });
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      recipients: row.recipients,
      schedule: row.schedule,
      timeZone: row.time_zone,
      updatedAt: dateFromClickHouse(row.updated_at),
      lastSentAt: dateFromClickHouse(row.last_sent_at),
      lastRefused: row.last_refused,
      lastFailure: failureOf(row),
    }));
  }
}

function failureOf(row: z.infer<typeof failureRow> | undefined): DigestFailure | null {
  return row === undefined || row.last_failed_at === null
    ? null
    : {
        failedAt: dateFromClickHouse(row.last_failed_at),
        error: row.last_error,
        kind: row.last_failure_kind === '' ? undefined : row.last_failure_kind,
      };
}
