import { z } from 'zod';
import { toClickHouseTime, type ClickHouseService } from '../storage/index.js';

/**
 * When erasures ran (erasure_runs, migration 0094), for the builds of derived tables. A build
 * (the assignment rollup, the trend facts) reads the streams in statements that commit later: a
 * statement that read a person's firings before an erasure deleted them may write its rows after
 * the erasure's last scan, which then answers with the person back in the build. So a build that
 * overlapped an erasure is discarded, never recorded, and made again.
 */

/**
 * The longest an erasure runs: one that would finish later fails instead (erase again), so that
 * an erasure whose end was never written (its process was killed) holds builds back this long at
 * most.
 */
export const ERASURE_RUN_LIMIT_MS = 3_600_000;

/**
 * Notes that an erasure starts now (the engine's clock), before it deletes anything, or that it
 * ends now, whether it succeeded or not.
 */
export async function noteErasure(
  clickhouse: ClickHouseService,
  tenantId: string,
  erasureId: string,
  moment: 'start' | 'end',
): Promise<void> {
  await clickhouse.command(
    `erasure.run_${moment}`,
    `INSERT INTO erasure_runs (tenant_id, erasure_id, started_at, ended_at)
     SELECT {tenantId:String}, {erasureId:String}, now64(3), if({ended:Bool}, now64(3), NULL)`,
    { tenantId, erasureId, ended: moment === 'end' },
  );
}

/**
 * Whether an erasure (of `tenantId`, or of any tenant) ran at some moment since `sinceMs` (the
 * engine's clock, as a build reads it before it reads any row): it ended since, or has not ended
 * and started within ERASURE_RUN_LIMIT_MS before. A build asks once its rows are written, before
 * it records them; an erasure that starts after the question finds those rows and deletes them.
 */
export async function erasureRanSince(
  clickhouse: ClickHouseService,
  sinceMs: number,
  tenantId?: string,
): Promise<boolean> {
  const [answer] = await clickhouse.query({
    tag: 'erasure.runs_since',
    sql: `
      SELECT count() > 0 AS ran FROM (
        SELECT min(started_at) AS started, max(ended_at) AS ended
        FROM erasure_runs
        WHERE {anyTenant:Bool} OR tenant_id = {tenantId:String}
        GROUP BY tenant_id, erasure_id)
      WHERE ended >= {since:DateTime64(3, 'UTC')}
         OR (ended IS NULL AND started >= {runningSince:DateTime64(3, 'UTC')})`,
    params: {
      anyTenant: tenantId === undefined,
      tenantId: tenantId ?? '',
      since: toClickHouseTime(sinceMs),
      runningSince: toClickHouseTime(sinceMs - ERASURE_RUN_LIMIT_MS),
    },
    row: z.object({ ran: z.coerce.boolean() }),
  });
  return answer.ran;
}
