import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ClickHouseService, dateFromClickHouse, toClickHouseTime } from '../storage/index.js';

/** One admin action to append to the audit log. */
export interface AuditRecord {
  /** The tenant the action concerns (the key's tenant, or the tenant acted on by the operator). */
  tenantId: string;
  /** Public id of the key that acted; undefined for the command line on the store itself. */
  actorKeyId?: string;
  /** What was done: `key.minted`, `key.rotated`, `key.revoked`, `person.erased`, `backup.taken`, ... */
  action: string;
  /** What it was done to (a key id, an erasure id, a directory); never a person's id. */
  target?: string;
  /** Anything else worth keeping, as JSON (counts, scopes, expiry); never secrets or person ids. */
  detail?: Record<string, unknown>;
}

/** An entry as read back. */
export interface AuditEntryRow {
  at: Date;
  tenantId: string;
  actorKeyId: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
}

/** Most entries one read answers. */
export const MAX_AUDIT_ENTRIES = 10_000;

const entryRow = z.object({
  tenant_id: z.string(),
  at_text: z.string(),
  actor_key_id: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.string(),
});

/**
 * The append-only audit log of admin actions (docs/design.md §10). Entries are inserted and never
 * updated or deleted; a failed write fails the action that asked for it, so no admin action
 * happens unrecorded.
 */
@Injectable()
export class AuditLogService {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async record(entry: AuditRecord): Promise<void> {
    await this.clickhouse.insert({
      table: 'audit_log',
      tag: 'audit.record',
      rows: [
        {
          tenant_id: entry.tenantId,
          at: toClickHouseTime(Date.now()),
          entry_id: randomUUID(),
          actor_key_id: entry.actorKeyId ?? '',
          action: entry.action,
          target: entry.target ?? '',
          detail: entry.detail === undefined ? '' : JSON.stringify(entry.detail),
        },
      ],
    });
  }

  /**
   * Entries in [from, to), newest first, at most `limit`; one tenant's, or every tenant's when
   * `tenantId` is undefined (the operator's bootstrap key).
   */
  async list(
    tenantId: string | undefined,
    period: { from?: Date | null; to?: Date | null },
    limit: number,
  ): Promise<AuditEntryRow[]> {
    const rows = await this.clickhouse.query({
      tag: 'audit.list',
      sql: `SELECT tenant_id, toString(at) AS at_text, actor_key_id, action, target, detail
            FROM audit_log
            WHERE ({all:Bool} OR tenant_id = {tenantId:String})
              AND at >= {from:DateTime64(3, 'UTC')} AND at < {to:DateTime64(3, 'UTC')}
            ORDER BY at DESC, entry_id
            LIMIT {limit:UInt32}`,
      params: {
        all: tenantId === undefined,
        tenantId: tenantId ?? '',
        from: toClickHouseTime(period.from?.getTime() ?? 0),
        to: toClickHouseTime(period.to?.getTime() ?? Date.UTC(2999, 0, 1)),
        limit,
      },
      row: entryRow,
    });
    return rows.map((r) => ({
      at: dateFromClickHouse(r.at_text),
      tenantId: r.tenant_id,
      actorKeyId: r.actor_key_id === '' ? null : r.actor_key_id,
      action: r.action,
      target: r.target === '' ? null : r.target,
      detail: r.detail === '' ? null : (JSON.parse(r.detail) as Record<string, unknown>),
    }));
  }
}
