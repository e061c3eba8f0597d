import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ClickHouseService } from '../../storage/index.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { toPeriod } from '../common/period.js';
import { buildLiftRows, EmpiricalPriorError, type BayesianOptions } from './lift.calculator.js';
import { queryHoldoutSharesInPeriod } from './holdout-shares.query.js';
import { queryLiftSums, type RevenueCapParams } from './lift.query.js';
import type { TriggerLift } from './models/lift.model.js';

/** How lift intervals are made (GraphQL `LiftMethod`). */
export type LiftMethodName = 'frequentist' | 'bayesian';

/** A Gaussian prior on the relative lift, or one learnt from the report (GraphQL `PriorInput`). */
export interface PriorRequest {
  mean?: number | null;
  stdDev?: number | null;
  empirical?: boolean | null;
}

/** A revenue cap (GraphQL `RevenueCapInput`): exactly one of the two. */
export interface RevenueCapRequest {
  /** Percentile of the revenues above 0 of both arms, in (0, 100]. */
  percentile?: number | null;
  /** The cap itself, > 0. */
  value?: number | null;
}

export interface LiftRequest {
  from: Date;
  to: Date;
  triggerIds?: string[] | null;
  groupByVariant?: boolean;
  confidence?: number;
  cuped?: boolean;
  sequential?: boolean;
  method?: LiftMethodName | null;
  prior?: PriorRequest | null;
  revenueCap?: RevenueCapRequest | null;
}

function invalid(message: string): never {
  throw new MeasurementException(MeasurementErrorCode.InvalidArgument, message);
}

/** Checks a confidence level (0.5 to 0.999) and returns it, 0.95 by default. */
export function checkedConfidence(confidence: number | null | undefined): number {
  const level = confidence ?? 0.95;
  if (!(level >= 0.5 && level <= 0.999)) {
    invalid(`confidence must be between 0.5 and 0.999, got ${level}`);
  }
  return level;
}

/** The capped statement's parameters for a revenue cap, or null for none; errors name the field. */
export function revenueCapParams(
  cap: RevenueCapRequest | null | undefined,
): RevenueCapParams | null {
  if (cap === null || cap === undefined) {
    return null;
  }
  const hasPercentile = cap.percentile !== null && cap.percentile !== undefined;
  const hasValue = cap.value !== null && cap.value !== undefined;
  if (hasPercentile === hasValue) {
    invalid('revenueCap needs exactly one of percentile and value');
  }
  if (hasValue) {
    if (!(cap.value! > 0) || !Number.isFinite(cap.value!)) {
      invalid(`revenueCap.value must be a finite number > 0, got ${cap.value}`);
    }
    // the store takes a number exactly up to 2^53 − 1; a cap above every revenue caps nothing anyway
    if (cap.value! > Number.MAX_SAFE_INTEGER) {
      invalid(
        `revenueCap.value must be at most ${Number.MAX_SAFE_INTEGER} (2^53 − 1), got ${cap.value!.toFixed(0)}`,
      );
    }
    return { capValue: cap.value!, capLevel: 1 };
  }
  if (!(cap.percentile! > 0 && cap.percentile! <= 100)) {
    invalid(`revenueCap.percentile must be in (0, 100], got ${cap.percentile}`);
  }
  return { capValue: 0, capLevel: cap.percentile! / 100 };
}

/** The largest |prior.mean| accepted, on the relative scale. */
const PRIOR_MEAN_LIMIT = 1e6;

/** The Bayesian options of a request, or null for frequentist; errors name the field. */
export function bayesianOptions(request: LiftRequest): BayesianOptions | null {
  const prior = request.prior ?? null;
  if ((request.method ?? 'frequentist') !== 'bayesian') {
    if (prior !== null) {
      invalid('prior needs method BAYESIAN');
    }
    return null;
  }
  // Sequential intervals are frequentist confidence sequences; a posterior's credible interval
  // in their place would keep the always-valid p-value beside an interval that is not, and read
  // "a gain" where that p-value says nothing is shown yet.
  if (request.sequential === true) {
    invalid(
      'sequential (always-valid) intervals are frequentist: use them with method FREQUENTIST, or drop sequential',
    );
  }
  if (prior === null) {
    return { prior: null, empirical: false };
  }
  const hasMean = prior.mean !== null && prior.mean !== undefined;
  const hasStdDev = prior.stdDev !== null && prior.stdDev !== undefined;
  if (prior.empirical === true) {
    if (hasMean || hasStdDev) {
      invalid('prior: give either empirical or mean and stdDev, not both');
    }
    return { prior: null, empirical: true };
  }
  if (!hasMean || !hasStdDev) {
    invalid('prior needs mean and stdDev (or empirical: true)');
  }
  // A relative lift of a million (+100,000,000 %) is beyond any belief; larger means only serve
  // to overflow the incremental conversions into Infinity, which GraphQL cannot carry.
  if (!Number.isFinite(prior.mean!) || Math.abs(prior.mean!) > PRIOR_MEAN_LIMIT) {
    invalid(`prior.mean must be a number from -1e6 to 1e6 (a relative lift), got ${prior.mean}`);
  }
  if (!(prior.stdDev! > 0) || !Number.isFinite(prior.stdDev!)) {
    invalid(`prior.stdDev must be a finite number > 0, got ${prior.stdDev}`);
  }
  if (!Number.isFinite(prior.stdDev! ** 2)) {
    invalid(
      `prior.stdDev must be below 1e154 (its square, the variance, must be a finite number), got ${prior.stdDev}`,
    );
  }
  return { prior: { mean: prior.mean!, variance: prior.stdDev! ** 2 }, empirical: false };
}

@Injectable()
export class LiftService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly config: AppConfig,
  ) {}

  /** Holdout lift per trigger (or variant) over [from, to). */
  async report(tenantId: string, request: LiftRequest): Promise<TriggerLift[]> {
    const confidence = checkedConfidence(request.confidence);
    const bayesian = bayesianOptions(request);
    const cap = revenueCapParams(request.revenueCap);
    const params = {
      tenantId,
      ...toPeriod(request.from, request.to).params,
      triggerIds: request.triggerIds ?? [],
    };
    const [sums, sharesDrawn] = await Promise.all([
      queryLiftSums(
        this.clickhouse,
        { ...params, byVariant: request.groupByVariant ?? false },
        cap,
      ),
      queryHoldoutSharesInPeriod(this.clickhouse, params),
    ]);
    try {
      return buildLiftRows(sums, {
        sharesDrawn,
        groupByVariant: request.groupByVariant ?? false,
        controlPerVariant: cap !== null && (request.groupByVariant ?? false),
        confidence,
        cuped: request.cuped ?? false,
        sequential: request.sequential ?? false,
        defaultPlannedPersons: this.config.env.SEQUENTIAL_PLANNED_PERSONS,
        bayesian,
      });
    } catch (error) {
      if (error instanceof EmpiricalPriorError) {
        invalid(error.message);
      }
      throw error;
    }
  }
}
