import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ClickHouseService } from '../storage/index.js';

const nullableNumber = z.number().nullable();

export const triggerRow = z.object({
  trigger_id: z.string(),
  version: z.number(),
  name: z.string(),
  channel: z.string(),
  surface: z.string(),
  audience: z.string(),
  signal_types: z.array(z.string()),
  window_ms: nullableNumber,
  success_types: z.array(z.string()),
  conversion_window_ms: z.number(),
  guardrail_types: z.array(z.string()),
  holdout_pct: nullableNumber,
  frequency_cap_max: nullableNumber,
  frequency_cap_per_ms: nullableNumber,
  suppression_converted_lookback_ms: nullableNumber,
  consent_purpose: z.string(),
  status: z.string(),
});
export type TriggerRow = z.infer<typeof triggerRow>;

const COLUMNS = `trigger_id, version, name, channel, surface, audience, signal_types, window_ms,
                 success_types, conversion_window_ms, guardrail_types, holdout_pct,
                 frequency_cap_max, frequency_cap_per_ms, suppression_converted_lookback_ms,
                 consent_purpose, status`;

/** Trigger definitions as stored: one row per (trigger_id, version). */
@Injectable()
export class TriggersRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /** The newest version of each trigger. */
  async latest(tenantId: string): Promise<TriggerRow[]> {
    return this.clickhouse.query({
      tag: 'triggers.latest',
      sql: `-- the newest version of each trigger; FINAL collapses re-sent definitions
            SELECT ${COLUMNS}
            FROM triggers FINAL
            WHERE tenant_id = {tenantId:String}
            ORDER BY trigger_id, version DESC
            LIMIT 1 BY trigger_id`,
      params: { tenantId },
      row: triggerRow,
    });
  }

  /** Every stored version of one trigger, newest first. */
  async versions(tenantId: string, triggerId: string): Promise<TriggerRow[]> {
    return this.clickhouse.query({
      tag: 'triggers.versions',
      sql: `-- every version of one trigger; FINAL collapses re-sent definitions
            SELECT ${COLUMNS}
            FROM triggers FINAL
            WHERE tenant_id = {tenantId:String} AND trigger_id = {triggerId:String}
            ORDER BY version DESC`,
      params: { tenantId, triggerId },
      row: triggerRow,
    });
  }

  /** The highest stored version of a trigger, 0 when it has none. */
  async highestVersion(tenantId: string, triggerId: string): Promise<number> {
    const [row] = await this.clickhouse.query({
      tag: 'triggers.highest_version',
      sql: `SELECT toUInt32(ifNull(max(version), 0)) AS version
            FROM triggers
            WHERE tenant_id = {tenantId:String} AND trigger_id = {triggerId:String}`,
      params: { tenantId, triggerId },
      row: z.object({ version: z.number() }),
    });
    return row?.version ?? 0;
  }

  /** Stores one definition row (all of the table's columns). */
  async insert(row: Record<string, unknown>): Promise<void> {
    await this.clickhouse.insert({ table: 'triggers', rows: [row], tag: 'triggers.define' });
  }
}
