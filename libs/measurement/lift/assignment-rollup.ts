import { z } from 'zod';
import { erasureRanSince } from '../../lifecycle/index.js';
import { toClickHouseTime, type ClickHouseService } from '../../storage/index.js';
import { BUILDS_KEPT, dropBuilds, newBuildId } from '../common/builds.js';
import { FIRST_FIRING_KEY } from '../common/sql.js';

/**
 * The assignment rollup (migrations 0016-0019): each (tenant, person, trigger)'s firings as one
 * row of sorted FIRST_FIRING_KEYs, from which lift and guardrails take a person's assignment in
 * any period without grouping the firings themselves (see assignmentCtes).
 *
 * A build reads firings FINAL (the newest version of every firing) and is recorded in
 * assignment_builds only once written whole; queries read the newest recorded build. Firings
 * written after it started may not be in it, and a later version of a firing may move it to another
 * person: queries therefore take from firings themselves every person with a firing written since
 * the build's mark, and every person the build filed such a firing under. The mark is the engine's
 * clock at the start of the build less MARK_MARGIN_MS, so that a row stamped (inserted_at) just
 * before the build but committed after it is still seen as new. A build reads firings in parts,
 * each at its own moment: a firing rewritten between two parts has a version written after the
 * mark, so queries measure every person it was or is filed under from firings.
 */

/** How long before a build's start its mark lies (see above). */
export const MARK_MARGIN_MS = 5 * 60_000;

/**
 * Firings grouped per statement of a build: a build groups persons in parts (by person_key modulo
 * the number of parts), which bounds its memory (10M firings at once: 2.2 GB peak).
 */
const FIRINGS_PER_PART = 2_000_000;

// On a cluster the rollup tables are distributed: a build's rows must be on their shards before
// the build is recorded (an INSERT into a Distributed table otherwise returns before).
const FOREGROUND = 'distributed_foreground_insert = 1';

/** The tables a build writes, each build a partition of its own. */
const ROLLUP_TABLES = ['assignment_sequences', 'assignment_firings'];

const BUILD_SEQUENCES_SQL = `
INSERT INTO assignment_sequences (build_id, tenant_id, person_key, trigger_id, keys, variants, firing_keys)
SELECT {buildId:UInt64}, tenant_id, person_key, trigger_id,
       arrayMap(firing -> firing.1, sorted), arrayMap(firing -> firing.2, sorted),
       arrayMap(firing -> firing.3, sorted)
FROM (
  SELECT tenant_id, person_key, trigger_id,
         arraySort(groupArray((${FIRST_FIRING_KEY}, variant, cityHash64(firing_id)))) AS sorted
  FROM firings FINAL
  WHERE person_key % {parts:UInt64} = {part:UInt64}
  GROUP BY tenant_id, person_key, trigger_id
)
SETTINGS ${FOREGROUND}`;

// Read from the sequences just written, not from firings again: the two must describe one moment.
const BUILD_FIRINGS_SQL = `
INSERT INTO assignment_firings (build_id, tenant_id, firing_key, person_key)
SELECT build_id, tenant_id, firing_key, person_key
FROM assignment_sequences
ARRAY JOIN firing_keys AS firing_key
WHERE build_id = {buildId:UInt64}
SETTINGS ${FOREGROUND}`;

const RECORD_BUILD_SQL = `
INSERT INTO assignment_builds (build_id, started_at, mark, finished_at, pairs, firings)
SELECT {buildId:UInt64}, {startedAt:DateTime64(3, 'UTC')}, {mark:DateTime64(3, 'UTC')}, now64(3),
       count(), sum(length(keys))
FROM assignment_sequences
WHERE build_id = {buildId:UInt64}`;

const row = {
  clock: z.object({ now_ms: z.coerce.number(), firings: z.coerce.number() }),
  build: z.object({ pairs: z.coerce.number(), firings: z.coerce.number() }),
};

export interface RollupBuild {
  buildId: number;
  pairs: number;
  firings: number;
  seconds: number;
}

/** Builds made in a row before giving up while erasures keep running (see buildAssignmentRollup). */
const BUILD_ATTEMPTS = 3;

/**
 * Writes a new build of the rollup from every tenant's firings, records it, and drops the builds
 * older than the BUILDS_KEPT newest (and any a failed run left unrecorded). A build that an
 * erasure of any tenant overlapped may hold the erased person's rows, read before the erasure's
 * deletes and written after its last scan: it is dropped unrecorded and made again.
 */
export async function buildAssignmentRollup(
  clickhouse: ClickHouseService,
  {
    marginMs = MARK_MARGIN_MS,
    firingsPerPart = FIRINGS_PER_PART,
  }: { marginMs?: number; firingsPerPart?: number } = {},
): Promise<RollupBuild> {
  const started = performance.now();
  for (let attempt = 1; attempt <= BUILD_ATTEMPTS; attempt++) {
    const written = await writeBuild(clickhouse, marginMs, firingsPerPart);
    if (await erasureRanSince(clickhouse, written.startedMs)) {
      await dropBuilds(clickhouse, ROLLUP_TABLES, 'build_id = {buildId:UInt64}', {
        buildId: written.buildId,
      });
      continue;
    }
    await recordBuild(clickhouse, written);
    const [build] = await clickhouse.query({
      tag: 'rollup.recorded',
      sql: 'SELECT pairs, firings FROM assignment_builds WHERE build_id = {buildId:UInt64}',
      params: { buildId: written.buildId },
      row: row.build,
    });
    // the builds older than the BUILDS_KEPT newest recorded ones (and any a failed run left)
    await dropBuilds(
      clickhouse,
      ROLLUP_TABLES,
      `build_id < (SELECT min(build_id) FROM (
         SELECT build_id FROM assignment_builds ORDER BY build_id DESC LIMIT ${BUILDS_KEPT}))`,
    );
    return {
      buildId: written.buildId,
      pairs: build.pairs,
      firings: build.firings,
      seconds: (performance.now() - started) / 1000,
    };
  }
  throw new Error(
    `assignment rollup: erasures ran during each of ${BUILD_ATTEMPTS} builds, which were dropped; the next build makes it`,
  );
}

/** A build written and not recorded yet. */
interface WrittenBuild {
  buildId: number;
  /** The engine's clock when it started, before it read any firing. */
  startedMs: number;
  marginMs: number;
}

/** Writes a build's rows from every tenant's firings, in parts. */
async function writeBuild(
  clickhouse: ClickHouseService,
  marginMs: number,
  firingsPerPart: number,
): Promise<WrittenBuild> {
  const [clock] = await clickhouse.query({
    tag: 'rollup.clock',
    sql: 'SELECT toUnixTimestamp64Milli(now64(3)) AS now_ms, (SELECT count() FROM firings) AS firings',
    row: row.clock,
  });
  const parts = Math.max(1, Math.ceil(clock.firings / firingsPerPart));
  const buildId = newBuildId(clock.now_ms);
  for (let part = 0; part < parts; part++) {
    await clickhouse.command('rollup.sequences', BUILD_SEQUENCES_SQL, { buildId, parts, part });
  }
  await clickhouse.command('rollup.firings', BUILD_FIRINGS_SQL, { buildId });
  return { buildId, startedMs: clock.now_ms, marginMs };
}

/** Records a written build: queries read it from now on. */
async function recordBuild(
  clickhouse: ClickHouseService,
  { buildId, startedMs, marginMs }: WrittenBuild,
): Promise<void> {
  await clickhouse.command('rollup.record', RECORD_BUILD_SQL, {
    buildId,
    startedAt: toClickHouseTime(startedMs),
    mark: toClickHouseTime(startedMs - marginMs),
  });
}

/** When a build is due, given firings written since the newest build's mark. */
export interface RollupPolicy {
  /** Due once those firings reach this share of the build's (default 2%)... */
  share?: number;
  /** ...or once the build is this old (default 1 hour). */
  maxAgeMs?: number;
  /**
   * Firings have a retention (RETENTION_DAYS_FIRINGS): a build that old is due even when nothing
   * was written since, since the retention removes firings without a write and the build would
   * still count them.
   */
  retention?: boolean;
}

/**
 * Whether a build is due: firings exist and there is no build yet, or firings were written since
 * the newest build's mark (queries measure their persons from firings, which costs time as they
 * grow) and they are many (RollupPolicy.share) or the build is old (RollupPolicy.maxAgeMs), or,
 * under a retention, the build is old. A build's mark lies a margin before its start, so the
 * writes of that margin count as written since.
 */
export async function rollupIsStale(
  clickhouse: ClickHouseService,
  { share = 0.02, maxAgeMs = 3_600_000, retention = false }: RollupPolicy = {},
): Promise<boolean> {
  const [state] = await clickhouse.query({
    tag: 'rollup.state',
    sql: `
      WITH (SELECT count() > 0 FROM assignment_builds) AS built,
           (SELECT argMax((mark, started_at, firings), build_id) FROM assignment_builds) AS newest
      SELECT built,
             (SELECT count() FROM firings WHERE inserted_at >= newest.1) AS written,
             toUnixTimestamp64Milli(now64(3)) - toUnixTimestamp64Milli(newest.2) AS age_ms,
             newest.3 AS build_firings`,
    row: z.object({
      built: z.coerce.boolean(),
      written: z.coerce.number(),
      age_ms: z.coerce.number(),
      build_firings: z.coerce.number(),
    }),
  });
  if (!state.built) {
    return state.written > 0;
  }
  if (retention && state.age_ms >= maxAgeMs) {
    return true;
  }
  return (
    state.written > 0 && (state.written >= share * state.build_firings || state.age_ms >= maxAgeMs)
  );
}
