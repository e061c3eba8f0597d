import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { periodTriggersParams } from '../common/period.js';
import { inPeriod, TRIGGER_FILTER } from '../common/sql.js';

// A trigger measured over a period applies its newest definition to every firing (docs/design.md
// §2), but its arms were drawn with the holdout share of the version in force at each firing. When
// the period's firings name versions that declare different shares, its persons were not split
// alike over the period: the SRM check against one share would flag a change of definition as a
// broken split, and the arms' comparison mixes times with other odds of treatment. These two
// statements find such triggers; the second, a scan of the period's firings, runs only when a
// trigger's stored versions disagree on the share at all.

/** The versions of each trigger whose stored versions declare more than one holdout share. */
export const SHARE_VERSIONS_QUERY = defineQuery({
  name: 'lift.holdout_share_versions',
  module: import.meta.url,
  sql: `
-- every version of the triggers whose versions declare more than one holdout share (none is one)
SELECT trigger_id, version, holdout_pct
FROM triggers FINAL
WHERE tenant_id = {tenantId:String} AND ${TRIGGER_FILTER}
  AND trigger_id IN (
    SELECT trigger_id FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
    GROUP BY trigger_id
    HAVING uniqExact(ifNull(holdout_pct, -1)) > 1
  )
ORDER BY trigger_id, version`,
  params: z.object({ tenantId: z.string(), triggerIds: z.array(z.string()) }),
  row: z.object({
    trigger_id: z.string(),
    version: z.number(),
    holdout_pct: z.number().nullable(),
  }),
});

/** The definition versions the firings of some triggers name in [from, to), sent or skipped. */
export const NAMED_VERSIONS_QUERY = defineQuery({
  name: 'lift.named_versions',
  module: import.meta.url,
  sql: `
-- the versions the period's firings of the given triggers name (0: none named)
SELECT trigger_id, trigger_version
FROM firings
WHERE tenant_id = {tenantId:String} AND ${TRIGGER_FILTER} AND ${inPeriod('decided_at')}
GROUP BY trigger_id, trigger_version
ORDER BY trigger_id, trigger_version`,
  params: periodTriggersParams,
  row: z.object({ trigger_id: z.string(), trigger_version: z.number() }),
});

/** A holdout share as a definition declares it: a share in [0, 1], or null for none. */
export type DeclaredShare = number | null;

/**
 * Per trigger whose firings in the period name versions declaring different holdout shares, those
 * shares (ascending, none first); triggers drawn with one share are not in the map. A firing that
 * names no version, or one not stored, was drawn as the newest version declares.
 */
export async function queryHoldoutSharesInPeriod(
  clickhouse: ClickHouseService,
  params: z.input<typeof periodTriggersParams>,
): Promise<Map<string, DeclaredShare[]>> {
  const versions = await clickhouse.run(SHARE_VERSIONS_QUERY, {
    tenantId: params.tenantId,
    triggerIds: params.triggerIds,
  });
  const shareOf = new Map<string, Map<number, DeclaredShare>>();
  for (const row of versions) {
    const byVersion = shareOf.get(row.trigger_id) ?? new Map<number, DeclaredShare>();
    shareOf.set(row.trigger_id, byVersion.set(row.version, row.holdout_pct));
  }
  if (shareOf.size === 0) {
    return new Map();
  }
  const named = await clickhouse.run(NAMED_VERSIONS_QUERY, {
    ...params,
    triggerIds: [...shareOf.keys()],
  });
  const shares = new Map<string, Set<DeclaredShare>>();
  for (const row of named) {
    const byVersion = shareOf.get(row.trigger_id)!;
    const newest = byVersion.get(Math.max(...byVersion.keys()))!;
    const share = byVersion.has(row.trigger_version) ? byVersion.get(row.trigger_version)! : newest;
    shares.set(row.trigger_id, (shares.get(row.trigger_id) ?? new Set()).add(share));
  }
  const ascending = (a: DeclaredShare, b: DeclaredShare) => (a ?? -1) - (b ?? -1);
  return new Map(
    [...shares]
      .filter(([, declared]) => declared.size > 1)
      .map(([triggerId, declared]) => [triggerId, [...declared].sort(ascending)]),
  );
}
