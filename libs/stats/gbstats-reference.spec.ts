// Agreement with GrowthBook's gbstats, an independent statistics engine, on the cases of
// shared/data/gbstats-reference.json (its README says how they were produced).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { bayesianEffect, relativePriorOnAbsoluteScale, type GaussianPrior } from './bayesian.js';
import { cupedCompare } from './cuped.js';
import { compareMeans } from './means.js';
import { twoSidedCriticalValue } from './normal.js';
import { compareProportions } from './proportions.js';
import type { ArmSums, LiftComparison } from './types.js';

// The shared data sit beside the project: <root>/../shared/data.
const REFERENCE = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'gbstats-reference.json',
);

function referencePresent(): boolean {
  if (existsSync(REFERENCE)) {
    return true;
  }
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and the gbstats reference is missing: ${REFERENCE}`);
  }
  process.stderr.write(`skipping the gbstats agreement suite: ${REFERENCE} is absent\n`);
  return false;
}

interface Sums {
  n: number;
  sum?: number;
  sum_squares?: number;
  post_sum?: number;
  post_sum_squares?: number;
  pre_sum?: number;
  pre_sum_squares?: number;
  post_pre_sum_of_products?: number;
}

interface ReferenceCase {
  engine: 'bayesian' | 'frequentist';
  metric: 'proportion' | 'mean' | 'mean_cuped';
  label: string;
  difference_type: 'relative' | 'absolute';
  prior?: { name: string; mean: number; variance: number; proper: boolean };
  control: Sums;
  treatment: Sums;
  result: {
    expected: number;
    ci: [number, number];
    uplift: { mean: number; stddev: number };
    chanceToWin?: number;
    risk?: [number, number];
  };
}

const cases: ReferenceCase[] = referencePresent()
  ? (JSON.parse(readFileSync(REFERENCE, 'utf8')) as { cases: ReferenceCase[] }).cases
  : [];

function armSums(s: Sums): ArmSums {
  if (s.post_sum !== undefined) {
    return {
      n: s.n,
      sumY: s.post_sum,
      sumY2: s.post_sum_squares!,
      sumX: s.pre_sum,
      sumX2: s.pre_sum_squares,
      sumXY: s.post_pre_sum_of_products,
    };
  }
  return { n: s.n, sumY: s.sum!, sumY2: s.sum_squares! };
}

/** Our frequentist comparison of a case (normal quantiles at 95 %). */
function compare(c: ReferenceCase): LiftComparison {
  switch (c.metric) {
    case 'proportion':
      return compareProportions(
        { n: c.treatment.n, x: c.treatment.sum! },
        { n: c.control.n, x: c.control.sum! },
      );
    case 'mean':
      return compareMeans(armSums(c.treatment), armSums(c.control));
    case 'mean_cuped':
      return cupedCompare(armSums(c.treatment), armSums(c.control));
  }
}

function effectOf(c: ReferenceCase, lift: LiftComparison): { estimate: number; se: number } {
  return c.difference_type === 'relative'
    ? { estimate: lift.relative!.estimate, se: lift.relativeSe! }
    : { estimate: lift.absolute!.estimate, se: lift.se! };
}

/** The case's prior on the scale of its effect (gbstats' priors are on the relative lift). */
function priorOf(c: ReferenceCase): GaussianPrior | null {
  if (c.prior === undefined || !c.prior.proper) {
    return null;
  }
  const prior = { mean: c.prior.mean, variance: c.prior.variance };
  return c.difference_type === 'relative'
    ? prior
    : relativePriorOnAbsoluteScale(prior, c.control.sum! / c.control.n);
}

/**
 * Welch–Satterthwaite degrees of freedom of a case as gbstats computes them (its `TTest.dof`), from
 * each arm's variance of the outcome: p(1 − p) for a proportion, the sample variance for a mean.
 * For CUPED the adjusted variances enter; the lower bound min(n_t, n_c) − 1, which every Welch ν
 * respects, stands in for them (at Hillstrom's 21,306 persons per arm the bound is immaterial).
 */
function welchNu(c: ReferenceCase): number {
  if (c.metric === 'mean_cuped') {
    return Math.min(c.control.n, c.treatment.n) - 1;
  }
  const arm = (s: Sums) => {
    const mean = s.sum! / s.n;
    const variance =
      c.metric === 'proportion' ? mean * (1 - mean) : (s.sum_squares! - s.sum! * mean) / (s.n - 1);
    return { n: s.n, v: variance / s.n };
  };
  const [t, k] = [arm(c.treatment), arm(c.control)];
  return (t.v + k.v) ** 2 / ((t.v * t.v) / (t.n - 1) + (k.v * k.v) / (k.n - 1));
}

/**
 * How far a gbstats interval endpoint may lie from ours, in units of the SE. Both intervals are
 * estimate ± q·SE with the same estimate and SE; gbstats takes q = t_ν (Student, Welch ν), we take
 * q = z = z_{0.975}, so each endpoint differs by exactly (t_ν − z)·SE. The Cornish–Fisher
 * expansion of the t quantile (Abramowitz & Stegun 26.7.5) gives
 *   t_ν − z = g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴ + …,  g₁ = (z³ + z)/4, g₂ = (5z⁵ + 16z³ + 3z)/96,
 *   g₃ = (3z⁷ + 19z⁵ + 17z³ − 15z)/384, g₄ = (79z⁹ + 776z⁷ + 1482z⁵ − 1920z³ − 945z)/92160,
 * every term positive at z = 1.96. With ν ≈ 2n − 2 for n persons per arm, g₁/ν relative to z is
 * (z² + 1)/(4ν) ≈ 0.6 % of the half-width at n = 100 and under 0.01 % at n = 20,000, the README's
 * figures. The factor 1.01 covers the series' remainder (g₅/ν⁵ < 1e-9 for ν ≥ 99) and rounding.
 */
function tQuantileGap(nu: number): number {
  const z = twoSidedCriticalValue(0.95);
  const g1 = (z ** 3 + z) / 4;
  const g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96;
  const g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384;
  const g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160;
  return 1.01 * (g1 / nu + g2 / nu ** 2 + g3 / nu ** 3 + g4 / nu ** 4);
}

function name(c: ReferenceCase): string {
  return `${c.label} ${c.metric} ${c.difference_type}${c.prior ? ` ${c.prior.name}` : ''}`;
}

(cases.length > 0 ? describe : describe.skip)('agreement with gbstats', () => {
  it('holds every kind of case the product answers', () => {
    const kinds = new Set(cases.map((c) => `${c.engine} ${c.metric} ${c.difference_type}`));
    for (const kind of [
      'bayesian proportion relative',
      'bayesian proportion absolute',
      'bayesian mean relative',
      'bayesian mean absolute',
      'frequentist proportion relative',
      'frequentist mean absolute',
      'frequentist mean_cuped absolute',
      'frequentist mean_cuped relative',
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(cases.some((c) => c.prior?.proper)).toBe(true);
  });

  describe('Bayesian (EffectBayesianABTest) to 1e-6', () => {
    const bayesian = cases.filter((c) => c.engine === 'bayesian');
    it.each(bayesian.map((c) => [name(c), c] as const))('%s', (_, c) => {
      const posterior = bayesianEffect(effectOf(c, compare(c)), priorOf(c), 0.95)!;
      const expected = c.result;
      const diffs = {
        mean: Math.abs(posterior.interval.estimate - expected.expected),
        low: Math.abs(posterior.interval.low - expected.ci[0]),
        high: Math.abs(posterior.interval.high - expected.ci[1]),
        chanceToWin: Math.abs(posterior.chanceToWin - expected.chanceToWin!),
        riskControl: Math.abs(posterior.risk.control - expected.risk![0]),
        riskTreatment: Math.abs(posterior.risk.treatment - expected.risk![1]),
      };
      for (const [field, diff] of Object.entries(diffs)) {
        expect({ field, diff, ok: diff <= 1e-6 }).toEqual({ field, diff, ok: true });
      }
      expect(posterior.sd).toBeCloseTo(expected.uplift.stddev, 9);
    });
  });

  describe('frequentist (TwoSidedTTest): same estimate and SE, intervals within the t − z gap', () => {
    // Relative CUPED included: cupedCompare divides by the raw control mean with gbstats'
    // delta-method variance, so it is compared like every other case.
    const frequentist = cases.filter((c) => c.engine === 'frequentist');
    it.each(frequentist.map((c) => [name(c), c] as const))('%s', (_, c) => {
      const effect = effectOf(c, compare(c));
      expect(Math.abs(effect.estimate - c.result.expected)).toBeLessThan(
        1e-9 * Math.max(1, Math.abs(effect.estimate)),
      );
      expect(effect.se / c.result.uplift.stddev).toBeCloseTo(1, 9);
      const z = twoSidedCriticalValue(0.95);
      const tolerance = tQuantileGap(welchNu(c)) * effect.se + 1e-12;
      const low = effect.estimate - z * effect.se;
      const high = effect.estimate + z * effect.se;
      // gbstats' t interval is the wider one: its endpoints lie outside ours, by less than the gap.
      expect(low - c.result.ci[0]).toBeGreaterThanOrEqual(-1e-12);
      expect(low - c.result.ci[0]).toBeLessThanOrEqual(tolerance);
      expect(c.result.ci[1] - high).toBeGreaterThanOrEqual(-1e-12);
      expect(c.result.ci[1] - high).toBeLessThanOrEqual(tolerance);
    });
  });
});
