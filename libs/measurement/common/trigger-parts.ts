import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { periodTriggersParams } from './period.js';
import { SENT_FIRING, TRIGGER_FILTER, inPeriod } from './sql.js';

/**
 * Statements over the streams that join every sent firing of a period to its exposures, signals,
 * outcomes and consent (triggerLatency and triggerTrend before their facts are built) hold a few
 * hundred bytes per firing while they run: over 10M firings (5M sent in 30 days) the process
 * peaked at 1.6–1.9 GiB. Their answers are per trigger, so the statement can run once per group
 * of triggers, one group after the other, and the answers be put together unchanged: memory then
 * follows the largest group instead of the tenant (1.8M sent firings: 1.0 GB).
 */

/** Sent treatment firings of the period per trigger, most first (`measurement.sent_by_trigger`). */
export const SENT_BY_TRIGGER_QUERY = defineQuery({
  name: 'measurement.sent_by_trigger',
  module: import.meta.url,
  sql: `
-- the sent treatment firings of the period per trigger: how the statements over the streams split
SELECT trigger_id, count() AS firings
FROM firings FINAL
WHERE tenant_id = {tenantId:String}
  AND ${inPeriod('decided_at')}
  AND ${SENT_FIRING}
  AND ${TRIGGER_FILTER}
GROUP BY trigger_id
ORDER BY firings DESC, trigger_id`,
  params: periodTriggersParams,
  row: z.object({ trigger_id: z.string(), firings: z.coerce.number() }),
});

/**
 * Groups of trigger ids whose sent firings together stay within `limit` where they can (a trigger
 * above it is a group of its own), largest first into the first group with room; the groups cover
 * every trigger of `counts` once.
 */
export function groupTriggers(
  counts: readonly { trigger_id: string; firings: number }[],
  limit: number,
): string[][] {
  const groups: { ids: string[]; firings: number }[] = [];
  for (const { trigger_id, firings } of [...counts].sort((a, b) => b.firings - a.firings)) {
    const room = groups.find((g) => g.firings + firings <= limit);
    if (room === undefined) {
      groups.push({ ids: [trigger_id], firings });
    } else {
      room.ids.push(trigger_id);
      room.firings += firings;
    }
  }
  return groups.map((g) => g.ids);
}

/**
 * Runs `run` once per group of the selected triggers (see groupTriggers), one after the other, and
 * returns their rows together in the order `compare` gives (the statement's own ORDER BY): a single
 * run with `triggerIds` unchanged when the period's sent firings are within `limit`.
 */
export async function runByTriggerGroups<Row>(
  clickhouse: ClickHouseService,
  params: z.input<typeof SENT_BY_TRIGGER_QUERY.params>,
  limit: number,
  run: (triggerIds: string[]) => Promise<Row[]>,
  compare: (a: Row, b: Row) => number,
): Promise<Row[]> {
  const counts = await clickhouse.run(SENT_BY_TRIGGER_QUERY, params);
  const total = counts.reduce((sum, c) => sum + c.firings, 0);
  if (total <= limit) {
    return run([...params.triggerIds]);
  }
  const rows: Row[] = [];
  for (const triggerIds of groupTriggers(counts, limit)) {
    rows.push(...(await run(triggerIds)));
  }
  return rows.sort(compare);
}

/** Orders strings as ClickHouse orders String values: by their UTF-8 bytes. */
export function compareBytes(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b));
}
