import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { Period } from '../../measurement/index.js';
import {
  ClickHouseService,
  dateFromClickHouse,
  dateToClickHouse,
  toClickHouseTime,
} from '../../storage/index.js';

/** How a snapshot came to be. */
export enum SnapshotKind {
  /** The weekly job, for the last full week. */
  SCHEDULED = 'scheduled',
  /** createReportSnapshot, for any period. */
  ON_DEMAND = 'on_demand',
}

/** A stored snapshot without its payload. */
export interface SnapshotSummary {
  tenantId: string;
  snapshotId: string;
  kind: SnapshotKind;
  from: Date;
  to: Date;
  createdAt: Date;
}

/** A stored snapshot with its measures (JSON text) and HTML. */
export interface StoredSnapshot extends SnapshotSummary {
  measures: string;
  html: string;
}

const summaryRow = z.object({
  tenant_id: z.string(),
  snapshot_id: z.string(),
  kind: z.enum(SnapshotKind),
  period_from: z.string(),
  period_to: z.string(),
  created_at: z.string(),
});
const storedRow = summaryRow.extend({ measures: z.string(), html: z.string() });

function toSummary(row: z.infer<typeof summaryRow>): SnapshotSummary {
  return {
    tenantId: row.tenant_id,
    snapshotId: row.snapshot_id,
    kind: row.kind,
    from: dateFromClickHouse(row.period_from),
    to: dateFromClickHouse(row.period_to),
    createdAt: dateFromClickHouse(row.created_at),
  };
}

const SUMMARY_COLUMNS = 'tenant_id, snapshot_id, kind, period_from, period_to, created_at';

/**
 * report_snapshots, written once per id and read as first written: should two writers race on an
 * id, the earlier row is the snapshot and the later one is never shown.
 */
@Injectable()
export class ReportSnapshotsRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async insert(snapshot: StoredSnapshot): Promise<void> {
    await this.clickhouse.insert({
      table: 'report_snapshots',
      tag: 'reports.snapshot_insert',
      rows: [
        {
          tenant_id: snapshot.tenantId,
          snapshot_id: snapshot.snapshotId,
          kind: snapshot.kind,
          period_from: dateToClickHouse(snapshot.from),
          period_to: dateToClickHouse(snapshot.to),
          created_at: dateToClickHouse(snapshot.createdAt),
          measures: snapshot.measures,
          html: snapshot.html,
        },
      ],
    });
  }

  /**
   * The snapshot as first written, without its payload, and whether its snapshot.created has been
   * announced; undefined when the id is not taken for the tenant.
   */
  async find(
    tenantId: string,
    snapshotId: string,
  ): Promise<(SnapshotSummary & { announced: boolean }) | undefined> {
    const rows = await this.clickhouse.query({
      tag: 'reports.snapshot_find',
      sql: `-- one snapshot of the tenant as first written, and whether it was announced
            SELECT ${SUMMARY_COLUMNS},
                   snapshot_id IN (
                     SELECT snapshot_id FROM report_snapshot_announcements
                     WHERE tenant_id = {tenantId:String} AND snapshot_id = {snapshotId:String}
                   ) AS announced
            FROM report_snapshots
            WHERE tenant_id = {tenantId:String} AND snapshot_id = {snapshotId:String}
            ORDER BY created_at
            LIMIT 1`,
      params: { tenantId, snapshotId },
      row: summaryRow.extend({ announced: z.union([z.boolean(), z.number()]).transform(Boolean) }),
    });
    const row = rows[0];
    return row === undefined ? undefined : { ...toSummary(row), announced: row.announced };
  }

  /** Records that the snapshot's snapshot.created was handed to every listener. */
  async markAnnounced(snapshot: SnapshotSummary, at: Date): Promise<void> {
    await this.clickhouse.insert({
      table: 'report_snapshot_announcements',
      tag: 'reports.snapshot_announced',
      rows: [
        {
          tenant_id: snapshot.tenantId,
          snapshot_id: snapshot.snapshotId,
          announced_at: dateToClickHouse(at),
        },
      ],
    });
  }

  /**
   * Snapshots of `kind` taken before `before` whose snapshot.created is not recorded as told, each
   * once (as first written), oldest first.
   */
  async unannounced(kind: SnapshotKind, before: Date): Promise<SnapshotSummary[]> {
    const rows = await this.clickhouse.query({
      tag: 'reports.snapshot_unannounced',
      sql: `-- the snapshots of a kind taken before a time and not announced, each as first written
            SELECT ${SUMMARY_COLUMNS}
            FROM report_snapshots
            WHERE kind = {kind:String} AND created_at < {before:DateTime64(3, 'UTC')}
              AND (tenant_id, snapshot_id) NOT IN (
                SELECT tenant_id, snapshot_id FROM report_snapshot_announcements
              )
            ORDER BY created_at, tenant_id, snapshot_id
            LIMIT 1 BY tenant_id, snapshot_id`,
      params: { kind, before: toClickHouseTime(before.getTime()) },
      row: summaryRow,
    });
    return rows.map(toSummary);
  }

  /** The snapshot as first written, or undefined. */
  async get(tenantId: string, snapshotId: string): Promise<StoredSnapshot | undefined> {
    const rows = await this.clickhouse.query({
      tag: 'reports.snapshot_get',
      sql: `-- one snapshot of the tenant, as first written
            SELECT ${SUMMARY_COLUMNS}, measures, html
            FROM report_snapshots
            WHERE tenant_id = {tenantId:String} AND snapshot_id = {snapshotId:String}
            ORDER BY created_at
            LIMIT 1`,
      params: { tenantId, snapshotId },
      row: storedRow,
    });
    const row = rows[0];
    return row === undefined
      ? undefined
      : { ...toSummary(row), measures: row.measures, html: row.html };
  }

  /**
   * The tenant's snapshots, newest first; with a period, those whose period lies inside it.
   */
  async list(
    tenantId: string,
    range: { from: Date; to: Date } | undefined,
    limit: number,
  ): Promise<SnapshotSummary[]> {
    const rows = await this.clickhouse.query({
      tag: 'reports.snapshot_list',
      sql: `-- the tenant's snapshots, newest first
            SELECT ${SUMMARY_COLUMNS}
            FROM (
              -- each id once, as first written
              SELECT ${SUMMARY_COLUMNS}
              FROM report_snapshots
              WHERE tenant_id = {tenantId:String}
                AND ({all:Bool} OR (period_from >= {from:DateTime64(3, 'UTC')}
                                    AND period_to <= {to:DateTime64(3, 'UTC')}))
              ORDER BY snapshot_id, created_at
              LIMIT 1 BY snapshot_id
            )
            ORDER BY created_at DESC, snapshot_id
            LIMIT {limit:UInt32}`,
      params: {
        tenantId,
        all: range === undefined,
        from: toClickHouseTime(range?.from.getTime() ?? 0),
        to: toClickHouseTime(range?.to.getTime() ?? 0),
        limit,
      },
      row: summaryRow,
    });
    return rows.map(toSummary);
  }

  /** Tenants with firings decided in the period: those the weekly job reports on. */
  async tenantsWithFirings(period: Period): Promise<string[]> {
    const rows = await this.clickhouse.query({
      tag: 'reports.snapshot_tenants',
      sql: `-- every tenant that fired a trigger in the period
            SELECT DISTINCT tenant_id FROM firings
            WHERE decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
            ORDER BY tenant_id`,
      params: period.params,
      row: z.object({ tenant_id: z.string() }),
    });
    return rows.map((r) => r.tenant_id);
  }
}
