import { z } from 'zod';
import { inPeriod, periodParams, type Period } from '../measurement/index.js';
import { defineQuery, type ClickHouseService } from '../storage/index.js';

/**
 * The currencies of the tenant's outcomes with a value in the period, most used first, '' for
 * values sent without one: the report names the unit of its revenue figures only when the data
 * carried it, and warns when several (or none beside some) were summed as plain numbers.
 */
export const REVENUE_CURRENCIES_QUERY = defineQuery({
  name: 'reports.currencies',
  module: import.meta.url,
  sql: `
-- currencies of valued outcomes in [from, to), most used first ('' = sent without a currency)
SELECT currency, count() AS outcomes
FROM outcomes FINAL
WHERE tenant_id = {tenantId:String}
  AND ${inPeriod('occurred_at')}
  AND value IS NOT NULL
GROUP BY currency
ORDER BY outcomes DESC, currency`,
  params: periodParams,
  row: z.object({ currency: z.string(), outcomes: z.number() }),
});

export async function queryRevenueCurrencies(
  clickhouse: ClickHouseService,
  tenantId: string,
  period: Period,
): Promise<string[]> {
  const rows = await clickhouse.run(REVENUE_CURRENCIES_QUERY, { tenantId, ...period.params });
  return rows.map((r) => r.currency);
}
