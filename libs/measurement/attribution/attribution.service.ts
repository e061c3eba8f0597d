import { Injectable } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { toPeriod } from '../common/period.js';
import { holdoutCaveat } from '../lift/lift.calculator.js';
import { LiftService, type RevenueCapRequest } from '../lift/lift.service.js';
import type { TriggerLift } from '../lift/models/lift.model.js';
import { ATTRIBUTION_QUERY, type AttributionRow } from './attribution.query.js';
import { AttributionModel } from './dto/attribution-model.enum.js';
import { DEFAULT_HALF_LIFE_MS } from './dto/attribution.args.js';

/** The longest half-life taken: ten years, past which every touch of a period weighs the same. */
const MAX_HALF_LIFE_MS = 3650 * 86_400_000;
import type { TriggerAttribution } from './models/trigger-attribution.model.js';

/** What {@link AttributionService.attribution} is asked. */
export interface AttributionRequest {
  from: Date;
  to: Date;
  model: AttributionModel;
  /** TIME_DECAY half-life in ms; default 7 days. */
  halfLifeMs?: number | null;
  /** Caps each person's revenue in the holdout estimate (incrementalRevenue). */
  revenueCap?: RevenueCapRequest | null;
}

/** The credit of one model out of the row that holds all four. */
function credit(row: AttributionRow, model: AttributionModel): [number, number] {
  switch (model) {
    case AttributionModel.LAST_TOUCH:
      return [row.last_touch_conversions, row.last_touch_revenue];
    case AttributionModel.FIRST_TOUCH:
      return [row.first_touch_conversions, row.first_touch_revenue];
    case AttributionModel.LINEAR:
      return [row.linear_conversions, row.linear_revenue];
    case AttributionModel.TIME_DECAY:
      return [row.time_decay_conversions, row.time_decay_revenue];
  }
}

/** Attribution beside lift (docs/design.md §3): touched versus caused, per trigger. */
@Injectable()
export class AttributionService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly lift: LiftService,
  ) {}

  /**
   * Credit per trigger under one model for the sent treatment firings decided in [from, to), with
   * the holdout's incremental conversions of the same period beside it. Every trigger that fired
   * in the period or got credit has a row, by trigger id.
   */
  async attribution(tenantId: string, request: AttributionRequest): Promise<TriggerAttribution[]> {
    const period = toPeriod(request.from, request.to);
    const halfLifeMs = request.halfLifeMs ?? DEFAULT_HALF_LIFE_MS;
    if (!(halfLifeMs > 0 && halfLifeMs <= MAX_HALF_LIFE_MS)) {
      throw new MeasurementException(
        MeasurementErrorCode.InvalidArgument,
        `halfLifeMs must be a positive number of milliseconds, at most ${MAX_HALF_LIFE_MS} (10 years), got ${halfLifeMs}`,
      );
    }
    const [rows, lifts] = await Promise.all([
      this.clickhouse.run(ATTRIBUTION_QUERY, { tenantId, ...period.params, halfLifeMs }),
      this.lift.report(tenantId, {
        from: request.from,
        to: request.to,
        revenueCap: request.revenueCap,
      }),
    ]);
    const byTrigger = new Map<string, AttributionRow>(rows.map((r) => [r.trigger_id, r]));
    const liftOf = new Map<string, TriggerLift>(lifts.map((l) => [l.triggerId, l]));
    const triggerIds = [...new Set([...byTrigger.keys(), ...liftOf.keys()])].sort();
    return triggerIds.map((triggerId) => {
      const row = byTrigger.get(triggerId);
      const [conversions, revenue] = row === undefined ? [0, 0] : credit(row, request.model);
      const lift = liftOf.get(triggerId);
      return {
        triggerId,
        model: request.model,
        conversions,
        revenue,
        touches: row?.touches ?? 0,
        incrementalConversions: lift?.incrementalConversions?.estimate ?? null,
        incrementalConversionsLow: lift?.incrementalConversions?.low ?? null,
        incrementalConversionsHigh: lift?.incrementalConversions?.high ?? null,
        incrementalRevenue: lift?.incrementalRevenue?.estimate ?? null,
        liftVerdict: lift?.verdict ?? null,
        caveat: lift === undefined ? null : holdoutCaveat(lift),
        halfLifeMs: request.model === AttributionModel.TIME_DECAY ? halfLifeMs : null,
      };
    });
  }
}
