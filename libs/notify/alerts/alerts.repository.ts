import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  ClickHouseService,
  dateFromClickHouse,
  dateToClickHouse,
  rowVersion,
  toClickHouseTime,
} from '../../storage/index.js';
import { AlertKind, AlertState } from './alert-kind.js';

export interface StoredAlert {
  tenantId: string;
  alertId: string;
  kind: AlertKind;
  triggerId: string | null;
  subject: string;
  state: AlertState;
  openedAt: Date;
  resolvedAt: Date | null;
  summary: string;
  evidence: string;
  /** The asOf of the evaluation that last judged it (opened, found again or resolved it). */
  asOf: Date;
}

const alertRow = z.object({
  tenant_id: z.string(),
  alert_id: z.string(),
  kind: z.enum(AlertKind),
  trigger_id: z.string(),
  subject: z.string(),
  state: z.enum(AlertState),
  opened_at: z.string(),
  resolved_at: z.string().nullable(),
  summary: z.string(),
  evidence: z.string(),
  as_of: z.string(),
});

const COLUMNS =
  'tenant_id, alert_id, kind, trigger_id, subject, state, opened_at, resolved_at, summary, evidence, as_of';

function toAlert(row: z.infer<typeof alertRow>): StoredAlert {
  return {
    tenantId: row.tenant_id,
    alertId: row.alert_id,
    kind: row.kind,
    triggerId: row.trigger_id === '' ? null : row.trigger_id,
    subject: row.subject,
    state: row.state,
    openedAt: dateFromClickHouse(row.opened_at),
    resolvedAt: dateFromClickHouse(row.resolved_at),
    summary: row.summary,
    evidence: row.evidence,
    asOf: dateFromClickHouse(row.as_of),
  };
}

/** alerts: ReplacingMergeTree by version; resolving writes a newer row of the same alert. */
@Injectable()
export class AlertsRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  async save(alerts: StoredAlert[]): Promise<void> {
    if (alerts.length === 0) {
      return;
    }
    const version = rowVersion();
    await this.clickhouse.insert({
      table: 'alerts',
      tag: 'notify.alert_save',
      rows: alerts.map((alert) => ({
        tenant_id: alert.tenantId,
        alert_id: alert.alertId,
        kind: alert.kind,
        trigger_id: alert.triggerId ?? '',
        subject: alert.subject,
        state: alert.state,
        opened_at: dateToClickHouse(alert.openedAt),
        resolved_at: dateToClickHouse(alert.resolvedAt),
        summary: alert.summary,
        evidence: alert.evidence,
        as_of: dateToClickHouse(alert.asOf),
        version,
      })),
    });
  }

  /** The tenant's alerts as last written, newest first, filtered by state and opening time. */
  async list(
    tenantId: string,
    filter: { state?: AlertState | null; from?: Date | null; to?: Date | null; limit: number },
  ): Promise<StoredAlert[]> {
    const rows = await this.clickhouse.query({
      tag: 'notify.alert_list',
      sql: `-- the tenant's alerts, newest first
            SELECT ${COLUMNS}
            FROM alerts FINAL
            WHERE tenant_id = {tenantId:String}
              AND ({anyState:Bool} OR state = {state:String})
              AND opened_at >= {from:DateTime64(3, 'UTC')}
              AND opened_at < {to:DateTime64(3, 'UTC')}
            ORDER BY opened_at DESC, alert_id
            LIMIT {limit:UInt32}`,
      params: {
        tenantId,
        anyState: filter.state === undefined || filter.state === null,
        state: filter.state ?? '',
        from: toClickHouseTime((filter.from ?? new Date(0)).getTime()),
        to: toClickHouseTime((filter.to ?? new Date(Date.UTC(2200, 0, 1))).getTime()),
        limit: filter.limit,
      },
      row: alertRow,
    });
    return rows.map(toAlert);
  }

  /**
   * Per (kind, subject) of the tenant: how many alerts it has had, open or resolved, and the latest
   * time an evaluation judged one of them as of.
   */
  async historyByKey(tenantId: string): Promise<Map<string, AlertHistory>> {
    const rows = await this.clickhouse.query({
      tag: 'notify.alert_history',
      sql: `-- alerts per (kind, subject) so far, each id once, and the latest time judged as of
            SELECT kind, subject, count() AS n, max(as_of) AS last_as_of
            FROM alerts FINAL
            WHERE tenant_id = {tenantId:String}
            GROUP BY kind, subject`,
      params: { tenantId },
      row: z.object({
        kind: z.string(),
        subject: z.string(),
        n: z.coerce.number(),
        last_as_of: z.string(),
      }),
    });
    return new Map(
      rows.map((r) => [alertKey(r), { count: r.n, lastAsOf: dateFromClickHouse(r.last_as_of) }]),
    );
  }
}

/** What a (kind, subject) has had: its alerts, and the latest evaluation time one was judged as of. */
export interface AlertHistory {
  count: number;
  lastAsOf: Date;
}

/** The identity of a condition: one open alert per (kind, subject). */
export function alertKey(alert: { kind: string; subject: string }): string {
  return `${alert.kind}\u0000${alert.subject}`;
}
