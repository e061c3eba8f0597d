// Quantiles and revenue capping (docs/design.md §9). A few very large orders can decide a revenue
// verdict on their own; capping each person's revenue at a high quantile trades a little bias for
// much less variance. The quantile is numpy's default (Hyndman & Fan type 7) so that an analyst
// re-computing the cap with `numpy.percentile` gets the same number.
import { StatsErrorCode, StatsException } from './errors.js';
import { requireFinite, requireProbability } from './validate.js';

function invalid(message: string): never {
  throw new StatsException(StatsErrorCode.InvalidArgument, message);
}

/**
 * Type-7 sample quantile (R. J. Hyndman, Y. Fan, "Sample quantiles in statistical packages",
 * The American Statistician 50 (1996) 361–365; numpy's `method='linear'`, R's default): with the
 * n values sorted x₁ ≤ … ≤ xₙ and h = (n − 1)·p, Q(p) = x₍⌊h⌋₊₁₎ + (h − ⌊h⌋)·(x₍⌊h⌋₊₂₎ − x₍⌊h⌋₊₁₎).
 * Q(0) is the minimum and Q(1) the maximum.
 *
 * @param values finite numbers, at least one (the order does not matter; the input is not changed)
 * @param probability p in [0, 1]
 * @throws {StatsException} for no values, a non-finite value, or p outside [0, 1]
 */
export function quantile(values: readonly number[], probability: number): number {
  requireProbability('probability', probability);
  if (values.length === 0) {
    invalid('values must hold at least one number to take a quantile');
  }
  values.forEach((value, index) => requireFinite(`values[${index}]`, value));
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * probability;
  const below = Math.floor(h);
  const fraction = h - below;
  if (fraction === 0) {
    return sorted[below];
  }
  return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

/** How to cap revenue (GraphQL `RevenueCapInput`): exactly one of the two. */
export interface RevenueCapSpec {
  /** cap at this percentile (0 < percentile ≤ 100) of the revenues above 0, like numpy.percentile */
  percentile?: number | null;
  /** cap at this amount (> 0) */
  value?: number | null;
}

/**
 * The cap a {@link RevenueCapSpec} sets for a row (docs/design.md §9): `value` itself, or the type-7
 * `percentile` of the per-person revenues above 0 of both arms (zeros are left out so that a low
 * conversion rate does not drag the cap to 0).
 *
 * @param spec exactly one of `percentile` in (0, 100] and `value` > 0
 * @param revenues per-person revenues of both arms (zeros and negatives are ignored)
 * @returns the cap, or null when a percentile is asked and no revenue is above 0 (nothing to cap)
 * @throws {StatsException} when neither or both are given, or a given one is out of range
 */
export function revenueCapValue(spec: RevenueCapSpec, revenues: readonly number[]): number | null {
  const hasPercentile = spec.percentile !== undefined && spec.percentile !== null;
  const hasValue = spec.value !== undefined && spec.value !== null;
  if (hasPercentile === hasValue) {
    invalid('revenueCap needs exactly one of percentile and value');
  }
  if (hasValue) {
    const value = spec.value!;
    if (!(value > 0) || !Number.isFinite(value)) {
      invalid(`revenueCap.value must be a finite number > 0, got ${value}`);
    }
    return value;
  }
  const percentile = spec.percentile!;
  if (!(percentile > 0 && percentile <= 100)) {
    invalid(`revenueCap.percentile must be in (0, 100], got ${percentile}`);
  }
  const positive = revenues.filter((revenue) => revenue > 0);
  return positive.length === 0 ? null : quantile(positive, percentile / 100);
}

/**
 * Each revenue capped: min(revenue, cap), in the input's order.
 *
 * @param revenues per-person revenues
 * @param cap the cap, > 0 (from {@link revenueCapValue})
 * @throws {StatsException} for a cap that is not a finite number > 0
 */
export function capRevenues(revenues: readonly number[], cap: number): number[] {
  if (!(cap > 0) || !Number.isFinite(cap)) {
    invalid(`cap must be a finite number > 0, got ${cap}`);
  }
  return revenues.map((revenue) => Math.min(revenue, cap));
}
