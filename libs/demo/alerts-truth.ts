// The alerts docs/design.md §8's rules should open on a demo program, computed from the rows with
// computeTruth's loops and the published formulas, never with the code under test. Readings:
// - SRM: Pearson chi-square of (n_t, n_c) against holdout_pct above 10.8276, the 1-df critical
//   value of p = 0.001.
// - Gains and losses use the always-valid interval of the lift: the confidence sequence tuned in
//   advance for t* persons (the trigger's planned_persons, else the deployment default), with
//   ρ² = (a + ln(a + 1))/t* and a = −2 ln α; after n observations the half-width is c·SE with
//   c = √n · √(2(nρ² + 1)/(n²ρ²) · ln(√(nρ² + 1)/α)) (Waudby-Smith et al., "Time-uniform central
//   limit theory", asymptotic CS). At n = t* and α = 0.05, c ≈ 3.035.
// - No gain or loss on a trigger whose split is broken (SRM), nor with too little data (an arm
//   under 100 persons or 5 converters).
// - HARM: the overwhelm share (persons) or the regret share (converting orders refunded) higher in
//   treatment, c·SE interval above 0, the smaller arm at least 100.
// - The last-day rules read computeTruth over [asOf − 1 day, asOf).
// - STALE_SIGNALS reads each signal's lag to its collected_at (exact, PERCENTILE.INC). A signal
//   without one is measured to its arrival, which the rows do not have: the caller gives the
//   earliest time the rows could have arrived (`receivedAtLeast`), a lower bound on its lag.
// - REJECTED_ROWS: lines arriving in the last hour before asOf; rows that arrived after asOf
//   (a program evaluated as of its own past) give none.
import { computeTruth } from './truth.js';
import type { ProgramRows } from './rows.js';

type SignalOfRows = ProgramRows['signals'][number];

const DAY = 86_400_000;
/** The deployment default of SEQUENTIAL_PLANNED_PERSONS, as the README documents it. */
const DEFAULT_PLANNED_PERSONS = 10_000;
/** χ²(1) critical value at p = 0.001. */
const SRM_CHI_SQUARE = 10.827566170662733;

/** One alert the rules should find. */
export interface ExpectedAlert {
  kind: string;
  /** The trigger id (the stream for REJECTED_ROWS). */
  subject: string;
}

/**
 * The half-width multiplier (in standard errors) of the always-valid interval after n
 * observations, tuned for t* (see the top of the file).
 */
export function alwaysValidMultiplier(n: number, plannedN: number, alpha = 0.05): number {
  const a = -2 * Math.log(alpha);
  const rho2 = (a + Math.log(a + 1)) / plannedN;
  const u = n * rho2;
  return (
    Math.sqrt(n) * Math.sqrt(((2 * (u + 1)) / (n * n * rho2)) * Math.log(Math.sqrt(u + 1) / alpha))
  );
}

/** Δ = p_t − p_c with the always-valid interval tuned for t*. */
function interval(
  plannedN: number,
  nt: number,
  xt: number,
  nc: number,
  xc: number,
): { low: number; high: number } {
  const pt = xt / nt;
  const pc = xc / nc;
  const se = Math.sqrt((pt * (1 - pt)) / nt + (pc * (1 - pc)) / nc);
  const half = alwaysValidMultiplier(nt + nc, plannedN) * se;
  return { low: pt - pc - half, high: pt - pc + half };
}

/** Each trigger's t*: its newest definition's planned_persons when above 0, else the default. */
function plannedPersonsOf(rows: ProgramRows, fallback: number): Map<string, number> {
  const newest = new Map<string, { version: number; planned: number }>();
  for (const t of rows.triggers) {
    const version = t.version ?? 1;
    const known = newest.get(t.trigger_id);
    if (known === undefined || version >= known.version) {
      const planned = t.planned_persons ?? 0;
      newest.set(t.trigger_id, { version, planned: planned > 0 ? planned : fallback });
    }
  }
  return new Map([...newest].map(([id, { planned }]) => [id, planned]));
}

function lookbackAlerts(
  rows: ProgramRows,
  asOf: Date,
  lookbackDays: number,
  defaultPlannedPersons: number,
): ExpectedAlert[] {
  const plannedPersons = plannedPersonsOf(rows, defaultPlannedPersons);
  const truth = computeTruth(rows, {
    from: new Date(asOf.getTime() - lookbackDays * DAY),
    to: asOf,
  });
  const found: ExpectedAlert[] = [];
  for (const trigger of Object.values(truth.triggers)) {
    const { treatment: t, control: c, srm } = trigger.lift;
    if (t.persons === 0 && c.persons === 0) {
      continue;
    }
    const subject = trigger.triggerId;
    const plannedN = plannedPersons.get(subject) ?? defaultPlannedPersons;
    const flagged = srm.chiSquare !== null && srm.chiSquare > SRM_CHI_SQUARE;
    if (flagged) {
      found.push({ kind: 'SRM', subject });
    } else if (Math.min(t.persons, c.persons) >= 100 && Math.min(t.converters, c.converters) >= 5) {
      const lift = interval(plannedN, t.persons, t.converters, c.persons, c.converters);
      if (lift.low > 0) {
        found.push({ kind: 'SIGNIFICANT_GAIN', subject });
      } else if (lift.high < 0) {
        found.push({ kind: 'LOSS', subject });
      }
    }
    const overwhelm =
      Math.min(t.persons, c.persons) >= 100 &&
      interval(plannedN, t.persons, t.overwhelmedPersons, c.persons, c.overwhelmedPersons).low > 0;
    const regret =
      Math.min(t.convertingOrders, c.convertingOrders) >= 100 &&
      interval(plannedN, t.convertingOrders, t.refundedOrders, c.convertingOrders, c.refundedOrders)
        .low > 0;
    if (overwhelm || regret) {
      found.push({ kind: 'HARM', subject });
    }
  }
  return found;
}

function lastDayAlerts(rows: ProgramRows, asOf: Date): ExpectedAlert[] {
  const truth = computeTruth(rows, { from: new Date(asOf.getTime() - DAY), to: asOf });
  const found: ExpectedAlert[] = [];
  for (const trigger of Object.values(truth.triggers)) {
    if (trigger.consent.nonCompliant > 0) {
      found.push({ kind: 'CONSENT_VIOLATION', subject: trigger.triggerId });
    }
    const { measured, withinWindowRate } = trigger.latency;
    if (measured >= 100 && withinWindowRate !== null && withinWindowRate < 0.9) {
      found.push({ kind: 'LATENCY_OUT_OF_WINDOW', subject: trigger.triggerId });
    }
  }
  return found;
}

/** PERCENTILE.INC of ascending values: h = (n − 1)·p, interpolated between the two ranks. */
function percentileInc(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const low = Math.floor(h);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (h - low) * (sorted[high] - sorted[low]);
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * The age a group of signals (one type, source and kind) adds before a trigger can act, per
 * docs/design.md §3: the p90 lag, plus the p90 input age for predictive signals. A signal's lag is
 * collected_at − occurred_at when it states collected_at. Without it, the lag is only known to be
 * at least receivedAtLeast − occurred_at: the group's age is then its smallest lag, a lower bound
 * of every percentile, and a trigger found with it is found by the rule.
 */
function groupAge(signals: readonly SignalOfRows[], receivedAtLeast: Date): number {
  const lags: number[] = [];
  const ages: number[] = [];
  let exact = true;
  for (const signal of signals) {
    const occurred = Date.parse(signal.occurred_at);
    if (signal.collected_at === undefined || signal.collected_at === null) {
      exact = false;
      lags.push(receivedAtLeast.getTime() - occurred);
    } else {
      lags.push(Date.parse(signal.collected_at) - occurred);
    }
    if (
      signal.kind === 'predictive' &&
      signal.computed_at !== undefined &&
      signal.computed_at !== null
    ) {
      ages.push(occurred - Date.parse(signal.computed_at));
    }
  }
  lags.sort((a, b) => a - b);
  ages.sort((a, b) => a - b);
  if (!exact) {
    return lags[0] ?? 0;
  }
  const inputAge = ages.length === 0 ? 0 : round3(percentileInc(ages, 0.9));
  return round3(percentileInc(lags, 0.9)) + inputAge;
}

/**
 * Triggers (newest definition, any status, window > 0) armed by a signal type with signals in the
 * last day whose age (see groupAge) exceeds the window, for any of the type's (source, kind) groups.
 */
function staleAlerts(rows: ProgramRows, asOf: Date, receivedAtLeast: Date): ExpectedAlert[] {
  const from = asOf.getTime() - DAY;
  const groups = new Map<string, { type: string; signals: SignalOfRows[] }>();
  for (const signal of rows.signals) {
    const occurred = Date.parse(signal.occurred_at);
    if (occurred >= from && occurred < asOf.getTime()) {
      const group = `${signal.type}\u0000${signal.source ?? ''}\u0000${signal.kind ?? 'behavioral'}`;
      const known = groups.get(group) ?? { type: signal.type, signals: [] };
      known.signals.push(signal);
      groups.set(group, known);
    }
  }
  const agesByType = new Map<string, number[]>();
  for (const { type, signals } of groups.values()) {
    agesByType.set(type, [...(agesByType.get(type) ?? []), groupAge(signals, receivedAtLeast)]);
  }
  const newest = new Map<string, (typeof rows.triggers)[number]>();
  for (const trigger of rows.triggers) {
    const seen = newest.get(trigger.trigger_id);
    if (seen === undefined || (trigger.version ?? 1) > (seen.version ?? 1)) {
      newest.set(trigger.trigger_id, trigger);
    }
  }
  const found: ExpectedAlert[] = [];
  for (const trigger of newest.values()) {
    const stale = trigger.signal_types.some((type) =>
      (agesByType.get(type) ?? []).some((age) => trigger.window_ms > 0 && trigger.window_ms < age),
    );
    if (stale) {
      found.push({ kind: 'STALE_SIGNALS', subject: trigger.trigger_id });
    }
  }
  return found;
}

/** The alerts an evaluation as of `asOf` should open on these rows, sorted by kind and subject. */
export function expectedAlerts(
  rows: ProgramRows,
  asOf: Date,
  options: { receivedAtLeast: Date; lookbackDays?: number; defaultPlannedPersons?: number },
): ExpectedAlert[] {
  if (options.receivedAtLeast.getTime() < asOf.getTime()) {
    throw new Error(
      'expectedAlerts: only programs that arrived after asOf (REJECTED_ROWS and freshness then follow from the rows)',
    );
  }
  return [
    ...lookbackAlerts(
      rows,
      asOf,
      options.lookbackDays ?? 28,
      options.defaultPlannedPersons ?? DEFAULT_PLANNED_PERSONS,
    ),
    ...lastDayAlerts(rows, asOf),
    ...staleAlerts(rows, asOf, options.receivedAtLeast),
  ].sort((a, b) => a.kind.localeCompare(b.kind) || a.subject.localeCompare(b.subject));
}
