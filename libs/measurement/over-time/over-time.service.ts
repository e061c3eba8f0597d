import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ClickHouseService, dateToClickHouse, outsideQueryScope } from '../../storage/index.js';
import { TriggersService } from '../../triggers/index.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { refuseUnknownTrigger } from '../common/known-trigger.js';
import { MAX_PERIOD_DAYS, toPeriod } from '../common/period.js';
import { compareBytes, runByTriggerGroups } from '../common/trigger-parts.js';
import { queryShareStarts } from '../lift/holdout-shares.query.js';
import { checkedConfidence } from '../lift/lift.service.js';
import { GRANULARITY_MS, Granularity, MAX_POINTS, seriesInstants } from './granularity.js';
import { LIFT_OVER_TIME_QUERY } from './lift-over-time.query.js';
import { buildLiftSeries } from './lift-series.js';
import { CONVERSION_CURVE_QUERY } from './conversion-curve.query.js';
import { buildCurve } from './curve.js';
import type { CurvePoint } from './models/curve-point.model.js';
import type { TrendPoint } from './models/trend-point.model.js';
import {
  TREND_FACTS_QUERY,
  TRIGGER_TREND_QUERY,
  type TriggerTrendRow,
} from './trigger-trend.query.js';
import { TrendFacts } from './trend-facts.js';
import type { TrendFactsBuildResult } from './models/trend-facts-build.model.js';
import { outcomeClassesOf } from '../common/outcome-classes.js';
import { OVERWHELM_WINDOW_MS } from '../pressure/pressure.query.js';
import type { LiftPoint } from './models/lift-point.model.js';

export interface LiftOverTimeRequest {
  triggerId: string;
  from: Date;
  to: Date;
  granularity?: Granularity | null;
  variant?: string | null;
  cuped?: boolean | null;
  sequential?: boolean | null;
  confidence?: number | null;
}

export interface ConversionCurveRequest {
  triggerId: string;
  from: Date;
  to: Date;
  /** Default: one day, or one hour when C ≤ 2 days. */
  stepMs?: number | null;
  /** Persons are observed up to this instant; default now. */
  horizon?: Date | null;
  variant?: string | null;
}

export interface TriggerTrendRequest {
  from: Date;
  to: Date;
  granularity?: Granularity | null;
  triggerIds?: string[] | null;
}

/** The shortest step a curve takes. */
export const MIN_STEP_MS = 60_000;

/** The longest step a curve takes: the longest period a measure reads. */
const MAX_STEP_MS = MAX_PERIOD_DAYS * 86_400_000;

function checkedTriggerId(triggerId: string): string {
  if (triggerId.trim() === '') {
    throw new MeasurementException(
      MeasurementErrorCode.InvalidArgument,
      'triggerId must not be empty',
    );
  }
  return triggerId;
}

/**
 * Refuses a variant that none of the trigger's treated persons in the period carry while others
 * are there: a mistyped name would otherwise read as a variant with no one in it.
 */
function checkVariantSeen(
  rows: readonly { arm: string; variant: string }[],
  variant: string | null | undefined,
  triggerId: string,
): void {
  if (variant === null || variant === undefined) {
    return;
  }
  const seen = new Set(rows.filter((row) => row.arm === 'treatment').map((row) => row.variant));
  if (seen.size === 0 || seen.has(variant)) {
    return;
  }
  const names = [...seen].filter((name) => name !== '').sort();
  throw new MeasurementException(
    MeasurementErrorCode.InvalidArgument,
    `variant '${variant}' has no treated persons of trigger '${triggerId}' in [from, to); ` +
      (names.length === 0
        ? 'its treated persons there carry no variant'
        : `its variants there: ${names.map((name) => `'${name}'`).join(', ')}`),
  );
}

/** Measures read over time (docs/design.md §7). */
@Injectable()
export class OverTimeService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly config: AppConfig,
    /** Without it (a service made by hand), every trend reads the streams. */
    @Optional() private readonly facts?: TrendFacts,
    /** Without it (a service made by hand), an unknown trigger reads as one with no one in it. */
    @Optional() private readonly triggers?: TriggersService,
  ) {}

  /** The lift of one trigger as it read at each step of [from, to), in one statement. */
  async liftOverTime(tenantId: string, request: LiftOverTimeRequest): Promise<LiftPoint[]> {
    const triggerId = checkedTriggerId(request.triggerId);
    const confidence = checkedConfidence(request.confidence);
    const period = toPeriod(request.from, request.to);
    const instants = seriesInstants(
      period.from.getTime(),
      period.to.getTime(),
      GRANULARITY_MS[request.granularity ?? Granularity.DAY],
      'granularity',
    );
    const scope = { tenantId, ...period.params, triggerIds: [triggerId] };
    const [rows, shareStarts] = await Promise.all([
      this.clickhouse.run(LIFT_OVER_TIME_QUERY, { ...scope, asOfs: instants }),
      queryShareStarts(this.clickhouse, scope),
    ]);
    await refuseUnknownTrigger(this.triggers, tenantId, triggerId, rows.length > 0);
    checkVariantSeen(rows, request.variant, triggerId);
    const options = {
      confidence,
      cuped: request.cuped ?? false,
      sequential: request.sequential ?? false,
      defaultPlannedPersons: this.config.env.SEQUENTIAL_PLANNED_PERSONS,
    };
    return buildLiftSeries(
      triggerId,
      instants,
      rows,
      request.variant ?? null,
      options,
      shareStarts.get(triggerId),
    );
  }

  /** Each arm's conversion rate by time since the firing, observed persons only. */
  async conversionCurve(tenantId: string, request: ConversionCurveRequest): Promise<CurvePoint[]> {
    const triggerId = checkedTriggerId(request.triggerId);
    const period = toPeriod(request.from, request.to);
    const stepMs = request.stepMs ?? 0;
    if (
      request.stepMs !== undefined &&
      request.stepMs !== null &&
      !(Number.isInteger(stepMs) && stepMs >= MIN_STEP_MS && stepMs <= MAX_STEP_MS)
    ) {
      throw new MeasurementException(
        MeasurementErrorCode.InvalidArgument,
        `stepMs must be a whole number of ms from ${MIN_STEP_MS} to ${MAX_STEP_MS} (${MAX_PERIOD_DAYS} days), got ${stepMs}`,
      );
    }
    const horizon = request.horizon ?? new Date();
    if (Number.isNaN(horizon.getTime())) {
      throw new MeasurementException(
        MeasurementErrorCode.InvalidArgument,
        'horizon must be a valid time',
      );
    }
    const rows = await this.clickhouse.run(CONVERSION_CURVE_QUERY, {
      tenantId,
      ...period.params,
      triggerIds: [triggerId],
      stepMs,
      horizon: dateToClickHouse(horizon),
      maxSteps: MAX_POINTS,
    });
    await refuseUnknownTrigger(this.triggers, tenantId, triggerId, rows.length > 0);
    checkVariantSeen(rows, request.variant, triggerId);
    return buildCurve(rows, request.variant ?? null);
  }

  /**
   * Per bucket of decided_at and trigger: speed and harm of the sent firings, in one statement:
   * over the tenant's trend facts when a build is current (see TrendFacts.current), else over the
   * streams (per group of triggers, see runByTriggerGroups); the same answer either way.
   */
  async triggerTrend(tenantId: string, request: TriggerTrendRequest): Promise<TrendPoint[]> {
    const period = toPeriod(request.from, request.to);
    const stepMs = GRANULARITY_MS[request.granularity ?? Granularity.DAY];
    seriesInstants(period.from.getTime(), period.to.getTime(), stepMs, 'granularity');
    const params = {
      tenantId,
      ...period.params,
      triggerIds: request.triggerIds ?? [],
      stepMs,
    };
    const buildId = await this.facts?.forPeriod(tenantId, period);
    const { overwhelmTypes } = await outcomeClassesOf(this.clickhouse, tenantId);
    const rows: TriggerTrendRow[] =
      buildId === undefined
        ? await runByTriggerGroups(
            this.clickhouse,
            params,
            this.config.env.STREAMS_PART_FIRINGS,
            (triggerIds) =>
              this.clickhouse.run(TRIGGER_TREND_QUERY, {
                ...params,
                triggerIds,
                overwhelmTypes,
                overwhelmWindowMs: OVERWHELM_WINDOW_MS,
              }),
            // the statement's ORDER BY bucket_start, trigger_id
            (a, b) => a.bucket_start - b.bucket_start || compareBytes(a.trigger_id, b.trigger_id),
          )
        : await this.clickhouse.run(TREND_FACTS_QUERY, { ...params, buildId });
    return rows.map((row) => ({
      bucketStart: new Date(row.bucket_start),
      triggerId: row.trigger_id,
      sentFirings: row.sent_firings,
      withinWindowRate: row.within_window_rate,
      p50Ms: row.p50_ms,
      overwhelmed: row.overwhelmed,
      overwhelmRate: row.overwhelmed / row.sent_firings,
      convertedThenTargeted: row.converted_then_targeted,
      nonCompliant: row.non_compliant,
    }));
  }

  /**
   * Builds the tenant's trend facts now (they are otherwise built once its data settles). The
   * build is the tenant's, not the request's: it runs outside the request's time budget and goes
   * on to be recorded if the request is abandoned.
   */
  async buildTrendFacts(tenantId: string): Promise<TrendFactsBuildResult> {
    const facts = this.facts;
    if (facts === undefined) {
      throw new Error('trend facts are not available in this process');
    }
    const { firings, version, seconds } = await outsideQueryScope(() => facts.build(tenantId));
    return { firings, version, seconds };
  }
}
