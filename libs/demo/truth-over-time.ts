// The independent answers of the measures read over time (docs/design.md §7), computed from the
// generated rows with plain loops over truth.ts's row index: each lift point, curve step and trend
// bucket is recomputed from scratch over its own cut of the rows, as a reader would by hand,
// never by the cumulative tricks the engine's statements use.

import {
  OVERWHELM_TYPES,
  successTypesOf as definedSuccessTypes,
  triggerTruthOf,
  type Firing,
  type Outcome,
  type TruthIndex,
} from './truth.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Persons, converters and revenue of one arm at one point or step. */
export interface ArmCounts {
  persons: number;
  conversions: number;
  revenue: number;
  revenueSumOfSquares: number;
}

/** The lift of one trigger as it read at asOf. */
export interface LiftPointTruth {
  asOf: number;
  treatment: ArmCounts;
  control: ArmCounts;
  contaminated: number;
}

/** One step of a conversion curve. */
export interface CurveStepTruth {
  sinceMs: number;
  treatment: ArmCounts;
  control: ArmCounts;
}

/** One bucket × trigger of the trend. */
export interface TrendTruth {
  bucketStart: number;
  triggerId: string;
  sentFirings: number;
  withinWindowRate: number | null;
  /** Exact median (numpy's default interpolation) of the end-to-end latencies; null without. */
  p50Ms: number | null;
  overwhelmed: number;
  convertedThenTargeted: number;
  nonCompliant: number;
}

const emptyCounts = (): ArmCounts => ({
  persons: 0,
  conversions: 0,
  revenue: 0,
  revenueSumOfSquares: 0,
});

/** The instants of a series: from + k·step before to, then to. */
export function instantsOf(from: number, to: number, stepMs: number): number[] {
  const instants: number[] = [];
  for (let t = from + stepMs; t < to; t += stepMs) {
    instants.push(t);
  }
  instants.push(to);
  return instants;
}

function conversionWindowOf(index: TruthIndex, triggerId: string): number {
  return (
    index.triggers.get(triggerId)?.conversion_window_ms ?? index.settings.defaultConversionWindowMs
  );
}

function successTypesOf(index: TruthIndex, triggerId: string): string[] {
  return definedSuccessTypes(index.triggers.get(triggerId));
}

/** The trigger's firings decided in [from, before), grouped by person, each list by (time, id). */
function assignmentsBefore(
  index: TruthIndex,
  triggerId: string,
  from: number,
  before: number,
): Firing[][] {
  const byPerson = new Map<string, Firing[]>();
  for (const firing of index.firings) {
    if (
      firing.row.trigger_id === triggerId &&
      firing.decidedAt >= from &&
      firing.decidedAt < before
    ) {
      const list = byPerson.get(firing.row.person_id) ?? [];
      list.push(firing);
      byPerson.set(firing.row.person_id, list);
    }
  }
  const lists = [...byPerson.values()];
  for (const list of lists) {
    list.sort(
      (a, b) =>
        a.decidedAt - b.decidedAt ||
        (a.row.firing_id < b.row.firing_id ? -1 : a.row.firing_id > b.row.firing_id ? 1 : 0),
    );
  }
  return lists;
}

/** The person's success outcomes in (t0, t0 + C] that satisfy `keep`. */
function successesAfter(
  index: TruthIndex,
  personId: string,
  t0: number,
  windowMs: number,
  successTypes: readonly string[],
  keep: (outcome: Outcome) => boolean,
): Outcome[] {
  return (index.outcomesByPerson.get(personId) ?? []).filter(
    (o) => o.at > t0 && o.at <= t0 + windowMs && successTypes.includes(o.row.type) && keep(o),
  );
}

/**
 * liftOverTime: at each asOf, assignments are first firings in [from, asOf), a person with firings
 * of both arms in [from, asOf) is contaminated, and a person converts with a success in
 * (t0, t0 + C] before asOf. Only a `variant`'s treated persons when one is given.
 */
export function liftOverTimeTruth(
  index: TruthIndex,
  triggerId: string,
  from: number,
  to: number,
  stepMs: number,
  variant: string | null = null,
): LiftPointTruth[] {
  const windowMs = conversionWindowOf(index, triggerId);
  const successTypes = successTypesOf(index, triggerId);
  return instantsOf(from, to, stepMs).map((asOf) => {
    const point: LiftPointTruth = {
      asOf,
      treatment: emptyCounts(),
      control: emptyCounts(),
      contaminated: 0,
    };
    for (const firings of assignmentsBefore(index, triggerId, from, asOf)) {
      const first = firings[0];
      if (firings.some((f) => f.armClass !== first.armClass)) {
        point.contaminated++;
        continue;
      }
      if (first.armClass === 'treatment' && variant !== null && first.row.variant !== variant) {
        continue;
      }
      const arm = point[first.armClass];
      const successes = successesAfter(
        index,
        first.row.person_id,
        first.decidedAt,
        windowMs,
        successTypes,
        (o) => o.at < asOf,
      );
      const revenue = successes.reduce((sum, o) => sum + (o.row.value ?? 0), 0);
      arm.persons++;
      arm.conversions += successes.length > 0 ? 1 : 0;
      arm.revenue += revenue;
      arm.revenueSumOfSquares += revenue * revenue;
    }
    return point;
  });
}

/** The default step of a curve: one hour when C ≤ 2 days, else one day. */
export function defaultCurveStep(conversionWindowMs: number): number {
  return conversionWindowMs <= 2 * DAY ? HOUR : DAY;
}

/**
 * conversionCurve: assignments as liftReport over [from, to) (contaminated persons left out); at
 * each d = step, 2·step, … up to C (C the last), the persons with t0 + d ≤ horizon, and those of
 * them with a success in (t0, t0 + d].
 */
export function conversionCurveTruth(
  index: TruthIndex,
  triggerId: string,
  from: number,
  to: number,
  horizon: number,
  stepMs?: number,
): CurveStepTruth[] {
  const windowMs = conversionWindowOf(index, triggerId);
  const successTypes = successTypesOf(index, triggerId);
  const step = stepMs ?? defaultCurveStep(windowMs);
  const steps: number[] = [];
  for (let d = step; d < windowMs; d += step) {
    steps.push(d);
  }
  steps.push(windowMs);
  const persons = assignmentsBefore(index, triggerId, from, to).filter((firings) =>
    firings.every((f) => f.armClass === firings[0].armClass),
  );
  return steps
    .map((sinceMs) => {
      const result: CurveStepTruth = { sinceMs, treatment: emptyCounts(), control: emptyCounts() };
      for (const [first] of persons) {
        if (first.decidedAt + sinceMs > horizon) {
          continue;
        }
        const arm = result[first.armClass];
        arm.persons++;
        const converted =
          successesAfter(
            index,
            first.row.person_id,
            first.decidedAt,
            sinceMs,
            successTypes,
            () => true,
          ).length > 0;
        arm.conversions += converted ? 1 : 0;
      }
      return result;
    })
    .filter((step) => step.treatment.persons + step.control.persons > 0);
}

/** numpy's default percentile (linear between closest ranks) of a sorted list. */
function percentileInc(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lower = sorted[Math.floor(h)];
  return lower + (h - Math.floor(h)) * (sorted[Math.ceil(h)] - lower);
}

/**
 * triggerTrend: per bucket of decided_at (from + k·step) and trigger with a sent firing, truth.ts's
 * own latency, suppression and consent truths over the bucket's firings, and the sent firings whose
 * person had an overwhelm outcome in (decided_at, decided_at + 7 days].
 */
export function triggerTrendTruth(
  index: TruthIndex,
  from: number,
  to: number,
  stepMs: number,
): TrendTruth[] {
  const buckets = new Map<string, { bucketStart: number; triggerId: string; firings: Firing[] }>();
  for (const firing of index.firings) {
    if (firing.decidedAt < from || firing.decidedAt >= to) {
      continue;
    }
    const bucketStart = from + Math.floor((firing.decidedAt - from) / stepMs) * stepMs;
    const key = `${bucketStart}\u0000${firing.row.trigger_id}`;
    const bucket = buckets.get(key) ?? {
      bucketStart,
      triggerId: firing.row.trigger_id,
      firings: [],
    };
    bucket.firings.push(firing);
    buckets.set(key, bucket);
  }
  const rows: TrendTruth[] = [];
  for (const { bucketStart, triggerId, firings } of buckets.values()) {
    const sent = firings.filter((f) => f.sent);
    if (sent.length === 0) {
      continue;
    }
    const truth = triggerTruthOf(index, triggerId, firings);
    const overwhelmed = sent.filter((f) =>
      (index.outcomesByPerson.get(f.row.person_id) ?? []).some(
        (o) =>
          OVERWHELM_TYPES.includes(o.row.type) &&
          o.at > f.decidedAt &&
          o.at <= f.decidedAt + 7 * DAY,
      ),
    ).length;
    const latencies = truth.latency.endToEndMs;
    rows.push({
      bucketStart,
      triggerId,
      sentFirings: sent.length,
      withinWindowRate: truth.latency.withinWindowRate,
      p50Ms: latencies.length === 0 ? null : percentileInc(latencies, 0.5),
      overwhelmed,
      convertedThenTargeted: truth.suppression.convertedThenTargeted,
      nonCompliant: truth.consent.nonCompliant,
    });
  }
  return rows.sort(
    (a, b) =>
      a.bucketStart - b.bucketStart ||
      (a.triggerId < b.triggerId ? -1 : a.triggerId > b.triggerId ? 1 : 0),
  );
}
