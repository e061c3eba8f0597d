import { z } from 'zod';
import { SAME_REFUSED_LINE, SEGMENT_REFUSALS, STREAMS, tableOf } from '../../ingest/index.js';
import type { ClickHouseService } from '../../storage/index.js';
import type { StreamLines } from './alert-rules.js';

const RECEIVED_IN_PERIOD = `tenant_id = {tenantId:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}`;

/** One count per stream table, so that a stream added to the ingest is counted here too. */
const ACCEPTED_PER_STREAM = STREAMS.map(
  (stream) => `
    SELECT '${stream}' AS stream, count() AS n FROM ${tableOf[stream]} FINAL
    WHERE ${RECEIVED_IN_PERIOD}`,
).join('\n    UNION ALL');

/**
 * Lines each stream received in [from, to) (arrival time): the rows stored (an accepted line is a
 * row, read FINAL: copies of an id are one line, in the period of its latest delivery, the one the
 * measures read, before the engine merges them as after) and the lines rejected. The Segment door's
 * messages no rule maps count as the lines of SEGMENT_REFUSALS: each kept message once, read FINAL
 * as the streams' rows are (a copy sent again, or a mapping, writes another version of its row),
 * beside those of them it refused: a refused line counts once, in the period its first copy
 * arrived in (SAME_REFUSED_LINE). The REJECTED_ROWS rule compares the two. Stream and table names
 * are the ingest's constants, never input.
 */
export const STREAM_LINES_SQL = `
WITH
  accepted AS (
    -- rows stored per stream, each id once, by the arrival of its latest copy${ACCEPTED_PER_STREAM}
    UNION ALL
    -- messages the Segment door kept, no rule mapping them (then), each once, by the arrival of
    -- its latest copy
    SELECT '${SEGMENT_REFUSALS}' AS stream, count() AS n FROM segment_unmapped FINAL
    WHERE ${RECEIVED_IN_PERIOD}
  ),
  rejected AS (
    -- lines rejected per stream: each refused line once, in the period of its first copy (a
    -- producer's retry, or a retried batch, stores it again)
    SELECT stream, count() AS n FROM (
      SELECT stream, min(received_at) AS first_received FROM rejected_events
      WHERE tenant_id = {tenantId:String} AND received_at < {to:DateTime64(3, 'UTC')}
      GROUP BY ${SAME_REFUSED_LINE}
    )
    WHERE first_received >= {from:DateTime64(3, 'UTC')}
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
