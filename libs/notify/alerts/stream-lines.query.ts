import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';
import type { StreamLines } from './alert-rules.js';

/**
 * Lines each stream received in [from, to) (arrival time): the rows stored (an accepted line is a
 * row; a re-delivered copy too, as the producer sent it) and the lines rejected. The REJECTED_ROWS
 * rule compares the two.
 */
export const STREAM_LINES_SQL = `
WITH
  accepted AS (
    -- rows stored per stream, by arrival time
    SELECT 'signals' AS stream, count() AS n FROM signals
    WHERE tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT 'triggers', count() FROM triggers
    WHERE tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT 'firings', count() FROM firings
    WHERE tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT 'exposures', count() FROM exposures
    WHERE tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT 'outcomes', count() FROM outcomes
    WHERE tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT 'consent', count() FROM consent
    WHERE tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
  ),
  rejected AS (
    -- lines rejected per stream (FINAL: a retried batch records each line once)
    SELECT stream, count() AS n FROM rejected_events FINAL
    WHERE tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    GROUP BY stream
  )
-- both counts per stream that received anything
SELECT
  if(a.stream = '', r.stream, a.stream) AS stream,
  toUInt64(a.n) AS accepted,
  toUInt64(r.n) AS rejected
FROM accepted AS a
FULL OUTER JOIN rejected AS r ON a.stream = r.stream
WHERE a.n + r.n > 0
ORDER BY stream
`;

const row = z.object({
  stream: z.string(),
  accepted: z.coerce.number(),
  rejected: z.coerce.number(),
});

export async function queryStreamLines(
  clickhouse: ClickHouseService,
  params: { tenantId: string; from: string; to: string },
): Promise<StreamLines[]> {
  const rows = await clickhouse.query({
    tag: 'notify.stream_lines',
    sql: STREAM_LINES_SQL,
    params,
    row,
    settings: { join_use_nulls: 0 },
  });
  return rows;
}
