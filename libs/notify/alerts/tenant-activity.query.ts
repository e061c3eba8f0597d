import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';
import { fromClickHouseTime } from '../../storage/index.js';
import { STREAMS, tableOf } from '../../ingest/index.js';

/**
 * The latest arrival per tenant among lines received since `since` (any stream), refused lines
 * too: a producer whose every line is refused stores no row, and REJECTED_ROWS is its alert.
 */
export const LATEST_ARRIVALS_SQL = `
-- per tenant, the newest received_at of any stream's lines that arrived since {since}, stored
-- or refused
SELECT tenant_id, toString(max(received_at)) AS last_received
FROM (
  ${[...STREAMS.map((stream) => tableOf[stream]), 'rejected_events']
    .map(
      (table) =>
        `SELECT tenant_id, received_at FROM ${table} WHERE received_at >= {since:DateTime64(3, 'UTC')}`,
    )
    .join('\n  UNION ALL\n  ')}
)
GROUP BY tenant_id
`;

/**
 * Tenants with firings decided in [from, to), lines refused in [from, to), an open alert, or a
 * digest send that failed in [from, to): the ones the hourly run looks at.
 */
export const TENANTS_TO_EVALUATE_SQL = `
-- tenants with firings in the lookback, tenants whose lines were refused in it (REJECTED_ROWS,
-- though none was stored), tenants with an alert still open (it may resolve), and tenants whose
-- digest failed in the lookback (DIGEST_NOT_SENT), whatever their data
SELECT DISTINCT tenant_id FROM (
  SELECT tenant_id FROM firings
  WHERE decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  UNION ALL
  SELECT tenant_id FROM rejected_events
  WHERE received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
  UNION ALL
  SELECT tenant_id FROM alerts FINAL WHERE state = 'OPEN'
  UNION ALL
  SELECT tenant_id FROM digest_attempts
  WHERE NOT sent
    AND attempted_at >= {from:DateTime64(3, 'UTC')} AND attempted_at < {to:DateTime64(3, 'UTC')}
)
ORDER BY tenant_id
`;

export async function queryLatestArrivals(
  clickhouse: ClickHouseService,
  since: string,
): Promise<Map<string, number>> {
  const rows = await clickhouse.query({
    tag: 'notify.latest_arrivals',
    sql: LATEST_ARRIVALS_SQL,
    params: { since },
    row: z.object({ tenant_id: z.string(), last_received: z.string() }),
  });
  return new Map(rows.map((r) => [r.tenant_id, fromClickHouseTime(r.last_received)]));
}

export async function queryTenantsToEvaluate(
  clickhouse: ClickHouseService,
  params: { from: string; to: string },
): Promise<string[]> {
  const rows = await clickhouse.query({
    tag: 'notify.tenants_to_evaluate',
    sql: TENANTS_TO_EVALUATE_SQL,
    params,
    row: z.object({ tenant_id: z.string() }),
  });
  return rows.map((r) => r.tenant_id);
}
