import { z } from 'zod';
import type { Period } from '../measurement/index.js';
import type { ClickHouseService } from '../storage/index.js';

/**
 * The currencies of the tenant's outcomes with a value in the period, most used first: the report
 * names the unit of its revenue figures, and warns when several were summed as plain numbers.
 */
export const REVENUE_CURRENCIES_SQL = `
-- currencies of valued outcomes in [from, to), most used first
SELECT currency, count() AS outcomes
FROM outcomes FINAL
WHERE tenant_id = {tenantId:String}
  AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
  AND value IS NOT NULL AND currency != ''
GROUP BY currency
ORDER BY outcomes DESC, currency`;

const currencyRow = z.object({ currency: z.string(), outcomes: z.number() });

export async function queryRevenueCurrencies(
  clickhouse: ClickHouseService,
  tenantId: string,
  period: Period,
): Promise<string[]> {
  const rows = await clickhouse.query({
    tag: 'reports.currencies',
    sql: REVENUE_CURRENCIES_SQL,
    params: { tenantId, ...period.params },
    row: currencyRow,
  });
  return rows.map((r) => r.currency);
}
