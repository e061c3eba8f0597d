import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '../../config/index.js';
import { erasureRanSince } from '../../lifecycle/index.js';
import { RETAINED_ANSWER_MAX_AGE_MS, retains } from '../../result-cache/index.js';
import { ClickHouseService, DataVersions, toClickHouseTime } from '../../storage/index.js';
import { BUILDS_KEPT, dropBuilds, newBuildId } from '../common/builds.js';
import { outcomeClassesOf } from '../common/outcome-classes.js';
import { OVERWHELM_WINDOW_MS } from '../pressure/pressure.query.js';
import { BUILD_TREND_FACTS_SQL } from './trigger-trend.query.js';

/**
 * The trend facts (migrations 0080, 0081, 0082, 0084): per sent treatment firing of a tenant, what
 * triggerTrend, triggerLatency and suppressionAudit count of it, written by the statement over the
 * streams itself (BUILD_TREND_FACTS_SQL), so that an answer over them is the same answer read from
 * one row per firing.
 *
 * A build reads the tenant's data version first, then its rows (in parts of persons, to bound
 * memory), and is recorded once written whole. Queries use the tenant's newest recorded build only
 * while its version and epoch are the tenant's current ones (see DataVersions): every write that
 * changes what a trend reads (ingest of any stream, a trigger definition, an erasure) moves the
 * version once its rows are stored, so facts that may predate a write are never used; the trend is
 * then read from the streams until the next build. Rows that leave by a retention TTL move no
 * version: with a retention set, facts older than RETAINED_ANSWER_MAX_AGE_MS are not used either
 * (as kept answers are not served). The facts were computed with the overwhelm types of their
 * build (the built-in ones and those the tenant added, read after the version) and window, which
 * are recorded and compared too.
 */

/**
 * What this process's builds hold (trend_fact_builds.layout, migration 0083): 1 = with each
 * firing's channel and latency steps (0082); 2 = also its in-flight conversion and cap breach
 * (0084); 3 = the converted checks of firings of a trigger never defined made with the default
 * success types and lookback (a layout-2 build holds them unchecked). Builds of another layout are
 * not used.
 */
export const TREND_FACTS_LAYOUT = 3;

/** The decision times the facts cover; a trend over a period outside reads the streams. */
export const FACTS_COVER = {
  from: Date.UTC(1900, 0, 1),
  to: Date.UTC(2262, 0, 1),
} as const;

/** Firings checked per statement of a build (10M firings at once: several GB). */
const FIRINGS_PER_PART = 2_000_000;

/** A failed build's partition is dropped once this old (no build runs for a day). */
const UNRECORDED_MAX_AGE_MS = 86_400_000;

/** Builds made in a row before giving up while erasures of the tenant keep running. */
const BUILD_ATTEMPTS = 3;

/** A build written and not recorded yet. */
interface WrittenFacts {
  buildId: number;
  /** The tenant's data version read before any row. */
  version: number;
  /** The engine's clock when it started, before it read any row. */
  startedMs: number;
  /** The tenant's overwhelm types, read after the version: the facts' overwhelm counts them. */
  overwhelmTypes: string[];
}

export interface TrendFactsBuild {
  buildId: number;
  tenantId: string;
  /** The tenant's data version the build is valid at. */
  version: number;
  firings: number;
  seconds: number;
}

const row = {
  start: z.object({ now_ms: z.coerce.number(), firings: z.coerce.number() }),
  build: z.object({ firings: z.coerce.number() }),
  newest: z.object({
    build_id: z.coerce.number(),
    version: z.coerce.number(),
    epoch: z.string(),
    overwhelm_types: z.array(z.string()),
    overwhelm_window_ms: z.coerce.number(),
    layout: z.coerce.number(),
    age_ms: z.coerce.number(),
  }),
  tenant: z.object({ tenant_id: z.string() }),
};

/** Builds a tenant's trend facts and tells which build, if any, a trend may read. */
@Injectable()
export class TrendFacts {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly versions: DataVersions,
    private readonly config: AppConfig,
  ) {}

  /**
   * Writes a new build of the tenant's facts, records it at the version read before it read any
   * row, and drops the tenant's builds older than the BUILDS_KEPT newest (with any other tenant's
   * beyond its BUILDS_KEPT newest, and those a failed build left unrecorded for a day). A build
   * that an erasure of the tenant overlapped may hold the erased person's facts, read before the
   * erasure's deletes and written after its last scan: it is dropped unrecorded and made again.
   */
  async build(
    tenantId: string,
    { firingsPerPart = FIRINGS_PER_PART }: { firingsPerPart?: number } = {},
  ): Promise<TrendFactsBuild> {
    const started = performance.now();
    for (let attempt = 1; attempt <= BUILD_ATTEMPTS; attempt++) {
      const written = await this.write(tenantId, firingsPerPart);
      if (await erasureRanSince(this.clickhouse, written.startedMs, tenantId)) {
        await dropBuilds(this.clickhouse, ['trend_facts'], 'build_id = {buildId:UInt64}', {
          buildId: written.buildId,
        });
        continue;
      }
      const firings = await this.record(tenantId, written);
      await dropBuilds(
        this.clickhouse,
        ['trend_facts'],
        `build_id NOT IN (
           SELECT build_id FROM trend_fact_builds ORDER BY build_id DESC LIMIT ${BUILDS_KEPT} BY tenant_id)
         AND (build_id IN (SELECT build_id FROM trend_fact_builds)
              OR build_id < {unrecordedBefore:UInt64})`,
        { unrecordedBefore: newBuildId(written.startedMs - UNRECORDED_MAX_AGE_MS) },
      );
      return {
        buildId: written.buildId,
        tenantId,
        version: written.version,
        firings,
        seconds: (performance.now() - started) / 1000,
      };
    }
    throw new Error(
      `trend facts of ${tenantId}: erasures ran during each of ${BUILD_ATTEMPTS} builds, which were dropped; build again`,
    );
  }

  /** Writes a build's facts of the tenant, in parts of persons, at the version read first. */
  private async write(tenantId: string, firingsPerPart: number): Promise<WrittenFacts> {
    const version = await this.versions.current(tenantId);
    const { overwhelmTypes } = await outcomeClassesOf(this.clickhouse, tenantId);
    const [start] = await this.clickhouse.query({
      tag: 'trend_facts.start',
      sql: `SELECT toUnixTimestamp64Milli(now64(3)) AS now_ms,
                   (SELECT count() FROM firings WHERE tenant_id = {tenantId:String}) AS firings`,
      params: { tenantId },
      row: row.start,
    });
    const parts = Math.max(1, Math.ceil(start.firings / firingsPerPart));
    const buildId = newBuildId(start.now_ms);
    for (let part = 0; part < parts; part++) {
      await this.clickhouse.command('trend_facts.build', BUILD_TREND_FACTS_SQL, {
        tenantId,
        from: toClickHouseTime(FACTS_COVER.from),
        to: toClickHouseTime(FACTS_COVER.to),
        overwhelmTypes,
        overwhelmWindowMs: OVERWHELM_WINDOW_MS,
        buildId,
        parts,
        part,
      });
    }
    return { buildId, version, startedMs: start.now_ms, overwhelmTypes };
  }

  /** Records a written build (queries may read it from now on); answers its firings. */
  private async record(tenantId: string, written: WrittenFacts): Promise<number> {
    await this.clickhouse.command(
      'trend_facts.record',
      `INSERT INTO trend_fact_builds (tenant_id, build_id, version, epoch, overwhelm_types,
                                      overwhelm_window_ms, layout, started_at, finished_at,
                                      firings)
       SELECT {tenantId:String}, {buildId:UInt64}, {version:UInt64}, {epoch:String},
              {overwhelmTypes:Array(String)}, {overwhelmWindowMs:Int64}, {layout:UInt16},
              {startedAt:DateTime64(3, 'UTC')}, now64(3), count()
       FROM trend_facts
       WHERE build_id = {buildId:UInt64}`,
      {
        tenantId,
        buildId: written.buildId,
        version: written.version,
        epoch: this.versions.epoch,
        overwhelmTypes: written.overwhelmTypes,
        overwhelmWindowMs: OVERWHELM_WINDOW_MS,
        layout: TREND_FACTS_LAYOUT,
        startedAt: toClickHouseTime(written.startedMs),
      },
    );
    const [build] = await this.clickhouse.query({
      tag: 'trend_facts.recorded',
      sql: 'SELECT firings FROM trend_fact_builds WHERE build_id = {buildId:UInt64}',
      params: { buildId: written.buildId },
      row: row.build,
    });
    return build.firings;
  }

  /**
   * The build a measure over the decisions of [period.from, period.to) may read now, or undefined
   * (read the streams): {@link current}, for a period within FACTS_COVER.
   */
  async forPeriod(tenantId: string, period: { from: Date; to: Date }): Promise<number | undefined> {
    const covered =
      period.from.getTime() >= FACTS_COVER.from && period.to.getTime() <= FACTS_COVER.to;
    return covered ? this.current(tenantId) : undefined;
  }

  /**
   * The build a trend of the tenant may read now, or undefined (read the streams): the tenant's
   * newest build, when it was made at the current version of the current epoch, with the
   * overwhelm constants and layout of this process, and (with a retention set) is recent enough.
   * triggerLatency, suppressionAudit and messagePressure read the same build.
   */
  async current(tenantId: string): Promise<number | undefined> {
    const version = await this.versions.current(tenantId);
    const [newest] = await this.clickhouse.query({
      tag: 'trend_facts.newest',
      sql: `
        SELECT build_id, version, epoch, overwhelm_types, overwhelm_window_ms, layout,
               toUnixTimestamp64Milli(now64(3)) - toUnixTimestamp64Milli(started_at) AS age_ms
        FROM trend_fact_builds
        WHERE tenant_id = {tenantId:String}
        ORDER BY build_id DESC
        LIMIT 1`,
      params: { tenantId },
      row: row.newest,
    });
    const valid =
      newest !== undefined &&
      newest.version === version &&
      newest.epoch === this.versions.epoch &&
      newest.layout === TREND_FACTS_LAYOUT &&
      newest.overwhelm_window_ms === OVERWHELM_WINDOW_MS &&
      (!retains(this.config) || newest.age_ms <= RETAINED_ANSWER_MAX_AGE_MS);
    if (!valid) {
      return undefined;
    }
    const { overwhelmTypes } = await outcomeClassesOf(this.clickhouse, tenantId);
    return newest.overwhelm_types.join('\n') === overwhelmTypes.join('\n')
      ? newest.build_id
      : undefined;
  }

  /** The tenants with firings: those whose trends the facts serve. */
  async tenants(): Promise<string[]> {
    const rows = await this.clickhouse.query({
      tag: 'trend_facts.tenants',
      sql: 'SELECT DISTINCT tenant_id FROM firings ORDER BY tenant_id',
      row: row.tenant,
    });
    return rows.map((r) => r.tenant_id);
  }
}
