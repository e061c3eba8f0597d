import { Injectable, Optional } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { TriggersService } from '../../triggers/index.js';
import { refuseUnknownTrigger } from '../common/known-trigger.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { toPeriod } from '../common/period.js';
import { buildHoldoutPlan, buildInteractions } from './deeper.calculator.js';
import { MIN_INTERACTION_PERSONS, TRIGGER_INTERACTIONS_QUERY } from './interactions.query.js';
import { queryHoldoutSharesInPeriod } from './holdout-shares.query.js';
import { queryLiftSums } from './lift.query.js';
import { checkedConfidence } from './lift.service.js';
import type { HoldoutPlan, TriggerInteraction } from './models/deeper.model.js';
import type { SegmentedLift } from './models/segments.model.js';
import { buildSegmentedLift } from './segments.calculator.js';
import {
  FIRING_PROPERTY_KEYS_QUERY,
  LIFT_SEGMENTS_QUERY,
  type SegmentDimensionName,
} from './segments.query.js';
import type { LiftSumsRow } from './lift.query.js';

function invalid(message: string): never {
  throw new MeasurementException(MeasurementErrorCode.InvalidArgument, message);
}

/** The longest property name a segment request may give. */
const MAX_PROPERTY_CHARS = 128;

export interface SegmentsRequest {
  triggerId: string;
  from: Date;
  to: Date;
  by: SegmentDimensionName;
  property?: string | null;
  maxSegments?: number | null;
  confidence?: number;
  cuped?: boolean;
}

export interface HoldoutPlanRequest {
  triggerId: string;
  from: Date;
  to: Date;
  relativeMde: number;
  power?: number | null;
  alpha?: number | null;
}

export interface InteractionsRequest {
  from: Date;
  to: Date;
  triggerIds?: string[] | null;
  confidence?: number;
}

function checkedProperty(by: SegmentDimensionName, property: string | null | undefined): string {
  if (by !== 'property') {
    if (property) {
      invalid('property is only read with by: PROPERTY');
    }
    return '';
  }
  if (!property || property.length > MAX_PROPERTY_CHARS) {
    invalid(
      `property must name a firing property (1 to ${MAX_PROPERTY_CHARS} characters) with by: PROPERTY`,
    );
  }
  return property;
}

function checkedMaxSegments(given: number | null | undefined): number {
  const maxSegments = given ?? 20;
  if (!Number.isInteger(maxSegments) || maxSegments < 1 || maxSegments > 100) {
    invalid(`maxSegments must be an integer from 1 to 100, got ${maxSegments}`);
  }
  return maxSegments;
}

function checkedOpenUnit(name: string, value: number): number {
  if (!(value > 0 && value < 1)) {
    invalid(`${name} must be in (0, 1), got ${value}`);
  }
  return value;
}

/** Segments, holdout plans and interactions: the deeper statistics of docs/design.md §9. */
@Injectable()
export class DeeperLiftService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    /** Without it (a service made by hand), an unknown trigger reads as one with no one in it. */
    @Optional() private readonly triggers?: TriggersService,
  ) {}

  /** A trigger's lift per segment, with q-values and Cochran's Q. */
  async segments(tenantId: string, request: SegmentsRequest): Promise<SegmentedLift> {
    const { triggerId, ...rest } = request;
    const { rows, build } = await this.segmentSums(tenantId, { ...rest, triggerIds: [triggerId] });
    await refuseUnknownTrigger(this.triggers, tenantId, triggerId, rows.length > 0);
    return build(triggerId, rows);
  }

  /**
   * The segmented lift of several triggers by one dimension, in one statement: what
   * {@link segments} answers for each of them (a trigger without assigned persons is left out).
   */
  async segmentsOfTriggers(
    tenantId: string,
    request: Omit<SegmentsRequest, 'triggerId'> & { triggerIds: string[] },
  ): Promise<SegmentedLift[]> {
    if (request.triggerIds.length === 0) {
      return [];
    }
    const { rows, build } = await this.segmentSums(tenantId, request);
    const byTrigger = new Map<string, LiftSumsRow[]>();
    for (const row of rows) {
      byTrigger.set(row.trigger_id, [...(byTrigger.get(row.trigger_id) ?? []), row]);
    }
    return request.triggerIds.flatMap((triggerId) => {
      const own = byTrigger.get(triggerId);
      return own === undefined ? [] : [build(triggerId, own)];
    });
  }

  /** The checked request's segment sums, and how to read one trigger's rows of them. */
  private async segmentSums(
    tenantId: string,
    request: Omit<SegmentsRequest, 'triggerId'> & { triggerIds: string[] },
  ): Promise<{
    rows: LiftSumsRow[];
    build: (triggerId: string, rows: readonly LiftSumsRow[]) => SegmentedLift;
  }> {
    const confidence = checkedConfidence(request.confidence);
    const property = checkedProperty(request.by, request.property);
    const maxSegments = checkedMaxSegments(request.maxSegments);
    const scope = {
      tenantId,
      ...toPeriod(request.from, request.to).params,
      triggerIds: request.triggerIds,
    };
    const [rows, sharesDrawn] = await Promise.all([
      this.clickhouse.run(LIFT_SEGMENTS_QUERY, { ...scope, by: request.by, property }),
      queryHoldoutSharesInPeriod(this.clickhouse, scope),
    ]);
    const by = request.by === 'property' ? `property:${property}` : request.by;
    const cuped = request.cuped ?? false;
    return {
      rows,
      build: (triggerId, own) =>
        buildSegmentedLift(own, {
          triggerId,
          by,
          maxSegments,
          confidence,
          cuped,
          sharesDrawn: sharesDrawn.get(triggerId),
        }),
    };
  }

  /** The property names the triggers' firings in the period carry, most used first. */
  async firingPropertyKeys(
    tenantId: string,
    request: { from: Date; to: Date; triggerIds: string[]; limit: number },
  ): Promise<{ property: string; firings: number }[]> {
    return this.clickhouse.run(FIRING_PROPERTY_KEYS_QUERY, {
      tenantId,
      ...toPeriod(request.from, request.to).params,
      triggerIds: request.triggerIds,
      limit: request.limit,
    });
  }

  /** What a trigger's holdout can detect now, and what it would take to detect relativeMde. */
  async holdoutPlan(tenantId: string, request: HoldoutPlanRequest): Promise<HoldoutPlan> {
    const period = toPeriod(request.from, request.to);
    if (!Number.isFinite(request.relativeMde) || request.relativeMde === 0) {
      invalid(`relativeMde must be a non-zero number, got ${request.relativeMde}`);
    }
    const power = checkedOpenUnit('power', request.power ?? 0.8);
    const alpha = checkedOpenUnit('alpha', request.alpha ?? 0.05);
    const rows = await queryLiftSums(this.clickhouse, {
      tenantId,
      ...period.params,
      triggerIds: [request.triggerId],
      byVariant: false,
    });
    await refuseUnknownTrigger(this.triggers, tenantId, request.triggerId, rows.length > 0);
    return buildHoldoutPlan(rows, { ...request, power, alpha });
  }

  /** Every ordered pair of triggers with at least 100 persons assigned to both. */
  async interactions(
    tenantId: string,
    request: InteractionsRequest,
  ): Promise<TriggerInteraction[]> {
    const confidence = checkedConfidence(request.confidence);
    const cells = await this.clickhouse.run(TRIGGER_INTERACTIONS_QUERY, {
      tenantId,
      ...toPeriod(request.from, request.to).params,
      triggerIds: request.triggerIds ?? [],
      minPersons: MIN_INTERACTION_PERSONS,
    });
    return buildInteractions(cells, confidence);
  }
}
