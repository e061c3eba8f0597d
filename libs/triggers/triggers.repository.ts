import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ClickHouseService, defineQuery } from '../storage/index.js';
import { FIRED_TRIGGER_IDS_QUERY } from './trigger-ids.js';

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
  planned_persons: nullableNumber,
  frequency_cap_max: nullableNumber,
  frequency_cap_per_ms: nullableNumber,
  suppression_converted_lookback_ms: nullableNumber,
  consent_purpose: z.string(),
  status: z.string(),
});
export type TriggerRow = z.infer<typeof triggerRow>;

/** Every column of a TriggerRow, in its order. */
const COLUMNS = Object.keys(triggerRow.shape).join(', ');

const tenantParams = z.object({ tenantId: z.string().min(1) });
const triggerParams = tenantParams.extend({ triggerId: z.string().min(1) });

/** The newest version of each trigger. */
export const LATEST_TRIGGERS_QUERY = defineQuery({
  name: 'triggers.latest',
  module: import.meta.url,
  sql: `-- the newest version of each trigger; FINAL collapses re-sent definitions
SELECT ${COLUMNS}
FROM triggers FINAL
WHERE tenant_id = {tenantId:String}
ORDER BY trigger_id, version DESC
LIMIT 1 BY trigger_id`,
  params: tenantParams,
  row: triggerRow,
});

/** Every stored version of one trigger, newest first. */
export const TRIGGER_VERSIONS_QUERY = defineQuery({
  name: 'triggers.versions',
  module: import.meta.url,
  sql: `-- every version of one trigger; FINAL collapses re-sent definitions
SELECT ${COLUMNS}
FROM triggers FINAL
WHERE tenant_id = {tenantId:String} AND trigger_id = {triggerId:String}
ORDER BY version DESC`,
  params: triggerParams,
  row: triggerRow,
});

/** The highest stored version of a trigger, 0 when it has none. */
export const HIGHEST_TRIGGER_VERSION_QUERY = defineQuery({
  name: 'triggers.highest_version',
  module: import.meta.url,
  sql: `-- the highest stored version of one trigger (re-sent copies included), 0 when none
SELECT toUInt32(ifNull(max(version), 0)) AS version
FROM triggers
WHERE tenant_id = {tenantId:String} AND trigger_id = {triggerId:String}`,
  params: triggerParams,
  row: z.object({ version: z.number() }),
});

/** Trigger definitions as stored: one row per (trigger_id, version). */
@Injectable()
export class TriggersRepository {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /** The newest version of each trigger. */
  async latest(tenantId: string): Promise<TriggerRow[]> {
    return this.clickhouse.run(LATEST_TRIGGERS_QUERY, { tenantId });
  }

  /** Every stored version of one trigger, newest first. */
  async versions(tenantId: string, triggerId: string): Promise<TriggerRow[]> {
    return this.clickhouse.run(TRIGGER_VERSIONS_QUERY, { tenantId, triggerId });
  }

  /** Whether any firing of the tenant, at any time, carries the trigger id. */
  async fired(tenantId: string, triggerId: string): Promise<boolean> {
    const rows = await this.clickhouse.run(FIRED_TRIGGER_IDS_QUERY, {
      tenantId,
      triggerIds: [triggerId],
    });
    return rows.length > 0;
  }

  /** The highest stored version of a trigger, 0 when it has none. */
  async highestVersion(tenantId: string, triggerId: string): Promise<number> {
    const [row] = await this.clickhouse.run(HIGHEST_TRIGGER_VERSION_QUERY, { tenantId, triggerId });
    return row?.version ?? 0;
  }

  /** Stores one definition row (all of the table's columns). */
  async insert(row: Record<string, unknown>): Promise<void> {
    await this.clickhouse.insert({ table: 'triggers', rows: [row], tag: 'triggers.define' });
  }
}
