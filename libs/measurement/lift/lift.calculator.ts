import {
  bayesianEffect,
  benjaminiHochberg,
  EMPIRICAL_PRIOR_MIN_EFFECTS,
  empiricalPrior,
  relativePriorOnAbsoluteScale,
  roundApartDigits,
  significanceLevel,
  SRM_P_THRESHOLD,
  type GaussianPrior,
  compareMeans,
  compareProportions,
  cupedCompare,
  sampleRatioMismatch,
  sequentialLift,
  type ArmSums,
  type Interval,
  type LiftComparison,
} from '../../stats/index.js';
import type { LiftSumsRow } from './lift.query.js';
import type { ArmStats, SrmCheck, TriggerLift } from './models/lift.model.js';

export interface LiftOptions {
  groupByVariant: boolean;
  confidence: number;
  cuped: boolean;
  sequential: boolean;
  /** Bayesian answers (docs/design.md §9); absent or null: frequentist. */
  bayesian?: BayesianOptions | null;
  /**
   * With `sequential`, the t* (persons, both arms) of a trigger whose definition names no
   * planned_persons: fixed in advance, never taken from the data being read, or the guarantee
   * across looks is lost (libs/stats/sequential-aa.spec.ts).
   */
  defaultPlannedPersons?: number;
  /**
   * The sums are the capped statement's with variants: a control row's variant names the variant
   * whose row it belongs to, and the control is given once for each, capped at that row's cap.
   */
  controlPerVariant?: boolean;
  /**
   * Per trigger whose definition versions declare different holdout shares, the shares the period's
   * persons were drawn with (queryHoldoutSharesInPeriod): one, perhaps not the newest definition's,
   * is the share its SRM is checked against; several, and its split is not checked against one, and
   * its rows say why. A trigger not in the map was drawn with its newest definition's share.
   */
  sharesDrawn?: ReadonlyMap<string, readonly (number | null)[]>;
}

/** How the Bayesian answers are made: a prior on the relative lift, learnt, or none (flat). */
export interface BayesianOptions {
  /** A Gaussian prior on the relative lift; null: flat (or learnt, with `empirical`). */
  prior: GaussianPrior | null;
  /** Learn the prior from the rows of the report (at least 3, docs/design.md §9). */
  empirical: boolean;
}

/** Raised when an empirical prior is asked of fewer triggers than it can be learnt from. */
export class EmpiricalPriorError extends Error {}

/** Below these, a result is "too little data" (docs/design.md §3, item 8). */
export const MIN_PERSONS_PER_ARM = 100;
export const MIN_CONVERSIONS_PER_ARM = 5;

/** Sums of one arm (one or more query rows added up). */
interface Arm {
  persons: number;
  conversions: number;
  revenue: number;
  revenueSq: number;
  preConversions: number;
  preConversionsSq: number;
  preConversionsXConverted: number;
  preRevenue: number;
  preRevenueSq: number;
  preRevenueXRevenue: number;
  /** whether any of its rows capped revenue (at a cap that need not be a whole 1e-4) */
  capped: boolean;
}

/** Outcome values are stored with 4 decimals (Decimal(18, 4)); see {@link armRevenue}. */
const AMOUNT_SCALE = 1e4;

/**
 * The arm's revenue as the exact sum of its 4-decimal amounts. The engine adds them as doubles,
 * which leave residue: a control whose orders of 10.1 and 5.3 and a refund of 15.4 net to 0 read
 * −1.8e-15, and its relative revenue lift 5.7e15 where the control's level is 0 and the lift is
 * undefined. Rounded to 1e-4 the sum is the double nearest the exact one (the residue is far below
 * 5e-5). A capped arm is left as summed: a percentile cap has any number of decimals.
 */
function armRevenue(arm: Arm): number {
  if (arm.capped) {
    return arm.revenue;
  }
  // + 0 turns the −0 of a residue below 0 into 0
  return Math.round(arm.revenue * AMOUNT_SCALE) / AMOUNT_SCALE + 0;
}

const emptyArm = (): Arm => ({
  persons: 0,
  conversions: 0,
  revenue: 0,
  revenueSq: 0,
  preConversions: 0,
  preConversionsSq: 0,
  preConversionsXConverted: 0,
  preRevenue: 0,
  preRevenueSq: 0,
  preRevenueXRevenue: 0,
  capped: false,
});

function add(arm: Arm, row: LiftSumsRow): void {
  arm.persons += row.persons;
  arm.conversions += row.conversions;
  arm.revenue += row.revenue;
  arm.revenueSq += row.revenue_sq;
  arm.preConversions += row.pre_conversions;
  arm.preConversionsSq += row.pre_conversions_sq;
  arm.preConversionsXConverted += row.pre_conversions_x_converted;
  arm.preRevenue += row.pre_revenue;
  arm.preRevenueSq += row.pre_revenue_sq;
  arm.preRevenueXRevenue += row.pre_revenue_x_revenue;
  arm.capped ||= row.revenue_cap !== null;
}

function addTo(arms: Map<string, Arm>, key: string, row: LiftSumsRow): void {
  const arm = arms.get(key) ?? emptyArm();
  add(arm, row);
  arms.set(key, arm);
}

/** The revenue figures of an arm, as ArmStats gives them. */
function revenueStats(arm: Arm): Pick<ArmStats, 'revenue' | 'revenuePerPerson'> {
  const revenue = armRevenue(arm);
  return {
    revenue,
    revenuePerPerson: arm.persons === 0 ? 0 : revenue / arm.persons,
  };
}

function armStats(arm: Arm): ArmStats {
  return {
    persons: arm.persons,
    conversions: arm.conversions,
    rate: arm.persons === 0 ? 0 : arm.conversions / arm.persons,
    ...revenueStats(arm),
  };
}

/** y = converted (0/1, so Σy² = Σy), x = success outcomes in the pre-period. */
const conversionSums = (arm: Arm): ArmSums => ({
  n: arm.persons,
  sumY: arm.conversions,
  sumY2: arm.conversions,
  sumX: arm.preConversions,
  sumX2: arm.preConversionsSq,
  sumXY: arm.preConversionsXConverted,
});

/** y = revenue per person, x = revenue in the pre-period. */
const revenueSums = (arm: Arm): ArmSums => ({
  n: arm.persons,
  sumY: armRevenue(arm),
  sumY2: arm.revenueSq,
  sumX: arm.preRevenue,
  sumX2: arm.preRevenueSq,
  sumXY: arm.preRevenueXRevenue,
});

function scale(interval: Interval | null, factor: number): Interval | null {
  if (interval === null) {
    return null;
  }
  const [a, b] = [interval.low * factor, interval.high * factor];
  return { estimate: interval.estimate * factor, low: Math.min(a, b), high: Math.max(a, b) };
}

function compare(
  treatment: Arm,
  control: Arm,
  metric: 'conversion' | 'revenue',
  options: LiftOptions,
  plannedN: number | null,
): LiftComparison {
  if (treatment.persons === 0 || control.persons === 0) {
    return { absolute: null, relative: null, se: null, relativeSe: null, z: null, pValue: null };
  }
  const sums = metric === 'conversion' ? conversionSums : revenueSums;
  let comparison: LiftComparison;
  if (options.cuped) {
    comparison = cupedCompare(sums(treatment), sums(control), options.confidence);
  } else if (metric === 'conversion') {
    comparison = compareProportions(
      { n: treatment.persons, x: treatment.conversions },
      { n: control.persons, x: control.conversions },
      options.confidence,
    );
  } else {
    comparison = compareMeans(sums(treatment), sums(control), options.confidence);
  }
  if (plannedN === null) {
    return comparison;
  }
  const sequential = sequentialLift(comparison, treatment.persons + control.persons, {
    alpha: significanceLevel(options.confidence),
    plannedN,
  });
  return {
    ...comparison,
    absolute: sequential.absolute,
    relative: sequential.relative,
    pValue: sequential.pValue,
  };
}

/**
 * The trigger's t* when intervals are sequential (its definition's planned_persons, else the
 * default), else null.
 */
export function plannedPersonsFor(
  planned: number | null,
  options: Pick<LiftOptions, 'sequential' | 'defaultPlannedPersons'>,
): number | null {
  if (!options.sequential) {
    return null;
  }
  if (planned !== null && planned > 0) {
    return planned;
  }
  if (options.defaultPlannedPersons === undefined) {
    throw new Error('sequential lift needs a planned number of persons');
  }
  return options.defaultPlannedPersons;
}

/**
 * SRM of (n_t, n_c) against the holdout share the persons were drawn with; n_c counts holdout and
 * global holdout (docs/design.md §3.6). `declared` is the newest definition's share; `drawn`, for a
 * trigger whose versions disagree, the shares its persons were drawn with: one is checked against,
 * several are reported (`sharesInPeriod`) and nothing is checked.
 */
function srmCheck(
  treatmentPersons: number,
  controlPersons: number,
  declared: number | null,
  drawn: readonly (number | null)[] = [],
): SrmCheck {
  const total = treatmentPersons + controlPersons;
  const observed = total === 0 ? null : controlPersons / total;
  const changed = drawn.length > 1;
  const expected = drawn.length === 1 ? drawn[0] : declared;
  const unchecked = {
    expectedHoldoutShare: expected,
    observedHoldoutShare: observed,
    pValue: null,
    flagged: false,
    sharesInPeriod: changed ? [...drawn] : [],
  };
  if (expected === null || changed) {
    return unchecked;
  }
  if (expected <= 0 || expected >= 1) {
    // a share of 0 (1) leaves the control (treatment) arm empty: a person in it cannot come from
    // that split (its expected count is 0, χ² infinite, p = 0); none there is nothing to test
    const leftEmpty = expected <= 0 ? controlPersons : treatmentPersons;
    return leftEmpty === 0 ? unchecked : { ...unchecked, pValue: 0, flagged: true };
  }
  const result = sampleRatioMismatch(treatmentPersons, controlPersons, expected);
  return { ...unchecked, pValue: result.pValue, flagged: result.flagged };
}

/** Points of a share with two decimals, more where two would read 0 or lose the sign: 0.004. */
const pointsDigits = (share: number) => roundApartDigits(share, 2, { scale: 100 });
/** A difference of rates as verdicts and alerts print it: "+5.00 pts", "-0.004 pts". */
export const pointsText = (share: number) => `${share >= 0 ? '+' : ''}${pointsDigits(share)} pts`;
/** An interval in points as verdicts print it: "+5.00 pts [2.00, 8.00]", "[0.004, 3.00]". */
export const pointsInterval = (lift: Interval) =>
  `${pointsText(lift.estimate)} [${pointsDigits(lift.low)}, ${pointsDigits(lift.high)}]`;
/**
 * A p-value as verdicts and alerts print it: four decimals, or `p < 0.0001` below them; more where
 * four would put it on or across the `threshold` it is read against (0.000996, not 0.0010).
 */
export function pValueText(p: number, threshold?: number): string {
  if (p < 0.0001) {
    return 'p < 0.0001';
  }
  return `p = ${roundApartDigits(p, 4, { boundaries: threshold === undefined ? [] : [threshold] })}`;
}
/** A share in percent, one decimal, more where one would put it on or across `boundaries`. */
const percent = (share: number, boundaries: readonly number[] = []) =>
  `${roundApartDigits(share, 1, { scale: 100, boundaries })}%`;
/** A chance to one decimal, never rounded to a certainty: `> 99.9%` and `< 0.1%` at the ends. */
const chance = (p: number) => (p >= 0.9995 ? '> 99.9%' : p < 0.0005 ? '< 0.1%' : percent(p));

/**
 * "30.004% of persons where 30.0% was declared": the observed share never reads as the declared
 * one, nor across it, when a check flags them as different.
 */
function srmShares(srm: Pick<SrmCheck, 'expectedHoldoutShare' | 'observedHoldoutShare'>): string {
  const expected = srm.expectedHoldoutShare ?? 0;
  return `${percent(srm.observedHoldoutShare ?? 0, [expected])} of persons where ${percent(expected)} was declared`;
}

/** The part of a lift row a holdout caveat reads: its SRM check and its arms' counts. */
export interface HoldoutEvidence {
  srm: Pick<
    SrmCheck,
    'flagged' | 'expectedHoldoutShare' | 'observedHoldoutShare' | 'pValue' | 'sharesInPeriod'
  >;
  treatment: { persons: number; conversions: number };
  holdout: { persons: number; conversions: number };
}

/**
 * Why a trigger's holdout cannot be trusted or read, in words ("SRM: do not trust: ..." or "too
 * little data: ..."), or null when it can. Every measure that rests on the holdout (lift,
 * guardrails, attribution's incremental figures, maturity, the report) says the same.
 */
export function holdoutCaveat(row: HoldoutEvidence): string | null {
  const shares = row.srm.sharesInPeriod;
  if (shares.length > 0) {
    // each share rounded apart from the others, so that two never read alike
    const declared = shares.filter((share): share is number => share !== null);
    const named = shares.map((share) =>
      share === null
        ? 'no holdout'
        : percent(
            share,
            declared.filter((other) => other !== share),
          ),
    );
    return (
      `holdout share changed: the period's firings name versions of its definition declaring ` +
      `${named.slice(0, -1).join(', ')} and ${named.at(-1)}, so its persons were not split alike ` +
      `over the period; read the periods before and after the change apart`
    );
  }
  if (row.holdout.persons === 0 && row.srm.expectedHoldoutShare === 0) {
    // not a matter of waiting: a trigger that holds out no one never has a control to compare with
    return (
      'too little data: 0 holdout persons, as the trigger declares holdout_pct 0: no one is held ' +
      'out, so its lift cannot be measured however long it runs; declare a holdout share to measure it'
    );
  }
  if (row.srm.flagged) {
    return (
      `SRM: do not trust: the holdout holds ${srmShares(row.srm)} ` +
      `(${pValueText(row.srm.pValue ?? 0, SRM_P_THRESHOLD)}), so the split is not random`
    );
  }
  for (const [name, arm] of [
    ['treated', row.treatment],
    ['holdout', row.holdout],
  ] as const) {
    if (arm.persons < MIN_PERSONS_PER_ARM) {
      return `too little data: ${arm.persons} ${name} persons (at least ${MIN_PERSONS_PER_ARM} per arm needed)`;
    }
  }
  for (const [name, arm] of [
    ['treated', row.treatment],
    ['holdout', row.holdout],
  ] as const) {
    if (arm.conversions < MIN_CONVERSIONS_PER_ARM) {
      return `too little data: ${arm.conversions} conversions among ${name} persons (at least ${MIN_CONVERSIONS_PER_ARM} per arm needed)`;
    }
  }
  return null;
}

/** The plain-words reading of a lift row; the first applicable caveat wins. */
export function verdictOf(row: Omit<TriggerLift, 'verdict'>): string {
  const caveat = holdoutCaveat(row);
  if (caveat !== null) {
    return caveat;
  }
  const lift = row.absoluteLift;
  if (lift === null) {
    return 'no estimate: an arm is empty';
  }
  const text = pointsInterval(lift);
  const excludesZero = lift.low > 0 || lift.high < 0;
  if (row.chanceToWin !== null) {
    const reading = !excludesZero
      ? 'no clear effect'
      : lift.estimate > 0
        ? 'a gain'
        : 'harm (fewer conversions than holdout)';
    return `${text} credible, chance to win ${chance(row.chanceToWin)}: ${reading}`;
  }
  if (!excludesZero) {
    return `${text}, not significant: no detectable effect`;
  }
  const direction =
    lift.estimate > 0 ? 'significant' : 'significant harm (fewer conversions than holdout)';
  const alpha = significanceLevel(row.confidence);
  if (row.qValue !== null && row.qValue >= alpha) {
    return `${text}, ${direction} alone, but not after correcting for the triggers reported together (q = ${roundApartDigits(row.qValue, 3, { boundaries: [alpha] })})`;
  }
  return `${text}, ${direction}`;
}

/** The prior of each row on the relative lift: given, learnt from all rows, or none. */
function relativePrior(
  conversions: readonly LiftComparison[],
  bayesian: BayesianOptions,
): GaussianPrior | null {
  if (!bayesian.empirical) {
    return bayesian.prior;
  }
  const effects = conversions
    .filter((c) => c.relative !== null && c.relativeSe !== null && c.relativeSe > 0)
    .map((c) => ({ estimate: c.relative!.estimate, se: c.relativeSe! }));
  if (effects.length < EMPIRICAL_PRIOR_MIN_EFFECTS) {
    throw new EmpiricalPriorError(
      `prior.empirical needs at least ${EMPIRICAL_PRIOR_MIN_EFFECTS} triggers with a relative lift in the report, got ${effects.length}`,
    );
  }
  const learnt = empiricalPrior(effects);
  return { mean: learnt.mean, variance: learnt.variance, meanVariance: learnt.meanVariance };
}

/**
 * Replaces each row's lifts by their Bayesian posteriors (docs/design.md §9, GrowthBook's
 * EffectBayesianABTest): the relative lift with the prior as given (on the relative scale), the
 * absolute lift with the prior moved to the absolute scale of the row's control rate; the
 * chance to win and the risk are the relative posterior's (risk in relative-lift units).
 */
function applyBayesian(
  rows: Omit<TriggerLift, 'verdict'>[],
  conversions: readonly LiftComparison[],
  bayesian: BayesianOptions,
  confidence: number,
): void {
  const prior = relativePrior(conversions, bayesian);
  rows.forEach((row, index) => {
    const conversion = conversions[index];
    // a row without a relative lift (a control rate of 0) has no posterior: it keeps its
    // intervals, and says how they were made
    if (conversion.relative === null || conversion.relativeSe === null) {
      return;
    }
    row.method = row.method === 'fixed' ? 'bayesian' : `${row.method}+bayesian`;
    const relative = bayesianEffect(
      { estimate: conversion.relative.estimate, se: conversion.relativeSe },
      prior,
      confidence,
    )!;
    const controlRate = row.holdout.rate;
    const absolute = bayesianEffect(
      { estimate: conversion.absolute!.estimate, se: conversion.se! },
      prior === null ? null : relativePriorOnAbsoluteScale(prior, controlRate),
      confidence,
    )!;
    row.relativeLift = relative.interval;
    row.absoluteLift = absolute.interval;
    row.incrementalConversions = scale(absolute.interval, row.treatment.persons);
    row.chanceToWin = relative.chanceToWin;
    row.risk = relative.risk;
  });
}

/**
 * Turns the engine's per-arm sums into lift rows: one per trigger, or per trigger × treatment
 * variant (each variant against the trigger's whole control group). q-values are computed across
 * the rows returned together.
 */
export function buildLiftRows(sums: readonly LiftSumsRow[], options: LiftOptions): TriggerLift[] {
  const byTrigger = new Map<string, LiftSumsRow[]>();
  for (const row of sums) {
    const list = byTrigger.get(row.trigger_id) ?? [];
    list.push(row);
    byTrigger.set(row.trigger_id, list);
  }
  const method = [options.cuped ? 'cuped' : '', options.sequential ? 'sequential' : '']
    .filter((s) => s !== '')
    .join('+');
  const rows: Omit<TriggerLift, 'verdict'>[] = [];
  const conversions: LiftComparison[] = [];
  for (const [triggerId, triggerRows] of byTrigger) {
    const control = emptyArm();
    const treatmentAll = emptyArm();
    const byVariant = new Map<string, Arm>();
    // with controlPerVariant: the control as each variant's row has it; the whole control (its
    // persons, conversions and contaminated, the same in each) counted from one of them
    const controlOf = new Map<string, Arm>();
    const counted = options.controlPerVariant
      ? triggerRows.find((row) => row.arm !== 'treatment')?.variant
      : undefined;
    const capOf = new Map<string, number | null>();
    let contaminated = 0;
    for (const row of triggerRows) {
      if (row.arm === 'treatment') {
        contaminated += row.contaminated;
        add(treatmentAll, row);
        addTo(byVariant, row.variant, row);
        capOf.set(row.variant, row.revenue_cap);
        continue;
      }
      if (options.controlPerVariant) {
        addTo(controlOf, row.variant, row);
      }
      if (counted === undefined || row.variant === counted) {
        contaminated += row.contaminated;
        add(control, row);
      }
    }
    const first = triggerRows[0];
    const srm = srmCheck(
      treatmentAll.persons,
      control.persons,
      first.holdout_pct,
      options.sharesDrawn?.get(triggerId),
    );
    const plannedN = plannedPersonsFor(first.planned_persons, options);
    const groups: [string, Arm][] = options.groupByVariant
      ? [...byVariant.entries()].sort(([a], [b]) => a.localeCompare(b))
      : [['', treatmentAll]];
    for (const [key, treatment] of groups) {
      const variant = key === '' ? null : key;
      const holdout = controlOf.get(key) ?? control;
      const conversion = compare(treatment, control, 'conversion', options, plannedN);
      const revenue = compare(treatment, holdout, 'revenue', options, plannedN);
      rows.push({
        triggerId,
        channel: first.channel,
        variant,
        treatment: armStats(treatment),
        holdout: { ...armStats(control), ...revenueStats(holdout) },
        absoluteLift: conversion.absolute,
        relativeLift: conversion.relative,
        pValue: conversion.pValue,
        qValue: null,
        revenueLift: revenue.absolute,
        revenueRelativeLift: revenue.relative,
        revenuePValue: revenue.pValue,
        incrementalConversions: scale(conversion.absolute, treatment.persons),
        incrementalRevenue: scale(revenue.absolute, treatment.persons),
        srm,
        contaminatedPersons: contaminated,
        confidence: options.confidence,
        method: method === '' ? 'fixed' : method,
        revenueCapValue: capOf.get(key) ?? first.revenue_cap,
        chanceToWin: null,
        risk: null,
        plannedPersons: plannedN,
      });
      conversions.push(conversion);
    }
  }
  if (options.bayesian) {
    applyBayesian(rows, conversions, options.bayesian, options.confidence);
  }
  const qValues = benjaminiHochberg(rows.map((r) => r.pValue));
  return rows.map((row, index) => {
    const withQ = { ...row, qValue: qValues[index] ?? null };
    return { ...withQ, verdict: verdictOf(withQ) };
  });
}
