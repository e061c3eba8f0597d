import { z } from 'zod';
import { defineQuery, type ClickHouseService } from '../../storage/index.js';
import { periodTriggersParams } from '../common/period.js';
import { inPeriod, TRIGGER_FILTER } from '../common/sql.js';

// A trigger measured over a period applies its newest definition to every firing (docs/design.md
// §2), but its arms were drawn with the holdout share of the version in force at each firing. A
// period drawn wholly under an earlier share is checked for SRM against that share, not the newest
// (which would flag the change of definition as a broken split). When the period's firings name
// versions that declare different shares, its persons were not split alike over the period: no
// single share is expected, and the arms' comparison mixes times with other odds of treatment.
// These two statements find the shares drawn with; the second, a scan of the period's firings,
// runs only when a trigger's stored versions disagree on the share at all.

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

/**
 * The definition versions the firings of some triggers name in [from, to), sent or skipped, each
 * with its first firing there (epoch ms): a point of liftOverTime at asOf reads those before it.
 */
export const NAMED_VERSIONS_QUERY = defineQuery({
  name: 'lift.named_versions',
  module: import.meta.url,
  sql: `
-- the versions the period's firings of the given triggers name (0: none named), and when first;
-- FINAL: a firing re-delivered naming another version names only its latest one before merges
SELECT trigger_id, trigger_version, toUnixTimestamp64Milli(min(decided_at)) AS first_at
FROM firings FINAL
WHERE tenant_id = {tenantId:String} AND ${TRIGGER_FILTER} AND ${inPeriod('decided_at')}
GROUP BY trigger_id, trigger_version
ORDER BY trigger_id, trigger_version`,
  params: periodTriggersParams,
  row: z.object({
    trigger_id: z.string(),
    trigger_version: z.number(),
    first_at: z.coerce.number(),
  }),
});

/** A holdout share as a definition declares it: a share in [0, 1], or null for none. */
export type DeclaredShare = number | null;

/** Per holdout share, the first firing of the period drawn with it (epoch ms). */
export type ShareStarts = ReadonlyMap<DeclaredShare, number>;

/**
 * Per trigger whose stored versions declare more than one holdout share, the shares its firings in
 * the period were drawn with, each with its first firing there. A firing that names no version,
 * or one not stored, was drawn as the newest version declares.
 */
export async function queryShareStarts(
  clickhouse: ClickHouseService,
  params: z.input<typeof periodTriggersParams>,
): Promise<Map<string, ShareStarts>> {
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
  const starts = new Map<string, Map<DeclaredShare, number>>();
  for (const row of named) {
    const byVersion = shareOf.get(row.trigger_id)!;
    const share = byVersion.has(row.trigger_version)
      ? byVersion.get(row.trigger_version)!
      : byVersion.get(Math.max(...byVersion.keys()))!;
    const ofTrigger = starts.get(row.trigger_id) ?? new Map<DeclaredShare, number>();
    ofTrigger.set(share, Math.min(ofTrigger.get(share) ?? Infinity, row.first_at));
    starts.set(row.trigger_id, ofTrigger);
  }
  return starts;
}

/** The shares of `starts` drawn before `asOf` (epoch ms), ascending (none first). */
export function sharesBefore(starts: ShareStarts, asOf: number): DeclaredShare[] {
  return [...starts]
    .filter(([, first]) => first < asOf)
    .map(([share]) => share)
    .sort((a, b) => (a ?? -1) - (b ?? -1));
}

/**
 * Per trigger whose stored versions declare more than one holdout share, the shares its firings in
 * the period were drawn with (ascending, none first): one when they were drawn alike, perhaps not
 * the newest definition's; several when the share changed within the period; none without firings.
 * Triggers whose versions agree are not in the map: the newest definition's share is theirs.
 */
export async function queryHoldoutSharesInPeriod(
  clickhouse: ClickHouseService,
  params: z.input<typeof periodTriggersParams>,
): Promise<Map<string, DeclaredShare[]>> {
  const starts = await queryShareStarts(clickhouse, params);
  return new Map(
    [...starts].map(([triggerId, ofTrigger]) => [triggerId, sharesBefore(ofTrigger, Infinity)]),
  );
}
