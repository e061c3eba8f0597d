// The reading of the measures the report shows: which triggers work, do nothing or harm, the
// totals of the headline, the worst offenders. Pure: measures in, a view model out.
import type {
  GuardrailLift,
  Interval,
  LatencyStats,
  SuppressionSummary,
  TriggerLift,
} from '../../measurement/index.js';
import { significanceLevel, twoSidedCriticalValue } from '../../stats/index.js';
import type { ReportMeasures, ReportTrigger } from '../report-measures.js';

/** Direction of a conversion lift that is significant after Benjamini–Hochberg, or none. */
export type Significance = 'positive' | 'negative' | 'none';

/**
 * What the report says of a trigger, judged on conversions first: `works` (significantly more
 * conversions, side effects or not: a trade-off the reader weighs), `harms` (fewer conversions, or
 * none gained and side effects), `nothing`, or `unknown` (SRM or too little data).
 */
export type TriggerVerdict = 'works' | 'nothing' | 'harms' | 'unknown';

export interface TriggerView {
  triggerId: string;
  /** The definition's name, else the id. */
  name: string;
  channel: string;
  status: string;
  lift: TriggerLift;
  significance: Significance;
  srmFlagged: boolean;
  tooLittleData: boolean;
  /** Significant increases of overwhelm or regret (guardrails), in words. */
  sideEffects: string[];
  verdict: TriggerVerdict;
  /** Why the verdict, in a few words. */
  reason: string;
}

export interface HeadlineView {
  liveTriggers: number;
  /** Live triggers whose lift is trusted (no SRM, enough data): the totals add them up. */
  counted: number;
  /** Live triggers left out of the totals, with why. */
  excluded: { name: string; reason: string }[];
  incrementalConversions: Interval | null;
  incrementalRevenue: Interval | null;
  counts: Record<TriggerVerdict, number>;
}

export interface LatencyView extends LatencyStats {
  name: string;
  expiredShare: number | null;
  state: 'good' | 'warn' | 'bad' | 'none';
}

export interface SuppressionView extends SuppressionSummary {
  name: string;
  failures: number;
  failureRate: number;
}

export interface ReportView {
  measures: ReportMeasures;
  alpha: number;
  triggers: TriggerView[];
  headline: HeadlineView;
  latency: LatencyView[];
  guardrails: (GuardrailLift & { name: string })[];
  suppression: SuppressionView[];
  /** Up to three triggers with the most suppression failures per sent firing. */
  worstSuppression: SuppressionView[];
}

const TOO_LITTLE = 'too little data';

function significanceOf(lift: TriggerLift, alpha: number): Significance {
  const interval = lift.absoluteLift;
  if (interval === null || lift.qValue === null || lift.qValue >= alpha) {
    return 'none';
  }
  if (interval.low > 0) {
    return 'positive';
  }
  return interval.high < 0 ? 'negative' : 'none';
}

/**
 * A guardrail row that shows a significant increase of overwhelm or regret, on a holdout that can
 * be read: a broken split (SRM) or too little data is no evidence of harm (snapshots stored before
 * rows had a caveat carry it at the start of the verdict).
 */
export function isHarm(row: GuardrailLift): boolean {
  const caveated =
    (row.caveat ?? null) !== null ||
    row.verdict.startsWith(TOO_LITTLE) ||
    row.verdict.startsWith('SRM');
  return row.absoluteLift !== null && row.absoluteLift.low > 0 && !caveated;
}

function sideEffectsOf(triggerId: string, guardrails: readonly GuardrailLift[]): string[] {
  return guardrails
    .filter((g) => g.triggerId === triggerId && isHarm(g))
    .map((g) =>
      g.outcomeClass === 'overwhelm'
        ? 'more unsubscribes and complaints'
        : 'more returns and refunds',
    );
}

function triggerView(
  lift: TriggerLift,
  definition: ReportTrigger | undefined,
  guardrails: readonly GuardrailLift[],
  alpha: number,
): TriggerView {
  const significance = significanceOf(lift, alpha);
  const srmFlagged = lift.srm.flagged;
  const tooLittleData = lift.verdict.startsWith(TOO_LITTLE);
  const sideEffects = sideEffectsOf(lift.triggerId, guardrails);
  let verdict: TriggerVerdict;
  let reason: string;
  if (srmFlagged) {
    verdict = 'unknown';
    reason = 'do not trust: the treatment/holdout split is broken (SRM)';
  } else if (lift.srm.sharesInPeriod.length > 0) {
    verdict = 'unknown';
    reason = lift.verdict;
  } else if (tooLittleData || lift.absoluteLift === null) {
    verdict = 'unknown';
    reason = tooLittleData ? lift.verdict : 'no estimate: an arm is empty';
  } else if (significance === 'positive') {
    // a trade-off, not a failure: it works, and the side effects are reported with it
    verdict = 'works';
    reason =
      sideEffects.length === 0
        ? 'more conversions than its holdout'
        : `more conversions than its holdout, with side effects: ${sideEffects.join(', ')}`;
  } else if (significance === 'negative' || sideEffects.length > 0) {
    verdict = 'harms';
    reason = [significance === 'negative' ? 'fewer conversions' : '', ...sideEffects]
      .filter((s) => s !== '')
      .join(', ');
  } else {
    verdict = 'nothing';
    reason = 'no detectable difference from its holdout';
  }
  return {
    triggerId: lift.triggerId,
    name:
      definition?.name !== undefined && definition.name !== '' ? definition.name : lift.triggerId,
    channel: lift.channel !== '' ? lift.channel : (definition?.channel ?? ''),
    status: definition?.status ?? '',
    lift,
    significance,
    srmFlagged,
    tooLittleData,
    sideEffects,
    verdict,
    reason,
  };
}

/**
 * The sum of intervals as an interval: estimates add up, standard errors (half-width / z) add in
 * quadrature, that is as if the triggers' estimates were independent.
 */
export function sumIntervals(intervals: readonly Interval[], z: number): Interval | null {
  if (intervals.length === 0) {
    return null;
  }
  const estimate = intervals.reduce((sum, i) => sum + i.estimate, 0);
  const variance = intervals.reduce((sum, i) => sum + ((i.high - i.low) / (2 * z)) ** 2, 0);
  const half = z * Math.sqrt(variance);
  return { estimate, low: estimate - half, high: estimate + half };
}

function relativeOrder(a: TriggerView, b: TriggerView): number {
  const ea = a.lift.relativeLift?.estimate;
  const eb = b.lift.relativeLift?.estimate;
  if (ea === undefined && eb === undefined) {
    return a.name.localeCompare(b.name);
  }
  if (ea === undefined) {
    return 1;
  }
  if (eb === undefined) {
    return -1;
  }
  return eb - ea || a.name.localeCompare(b.name);
}

/**
 * The within-window rate at which a channel reads as fast enough: the report says "at least 90% of
 * its firings" within the window, so that is what is counted (a p90 at or under the window is
 * not the same: type-7 interpolation puts it there with 80% within).
 */
export const LATENCY_GOOD_RATE = 0.9;

/** Good: at least 90% within the window; warn: the median within; bad: the median too late. */
function latencyState(row: LatencyStats): LatencyView['state'] {
  if (row.windowMs === null || row.withinWindowRate === null) {
    return 'none';
  }
  if (row.withinWindowRate >= LATENCY_GOOD_RATE) {
    return 'good';
  }
  return row.p50Ms <= row.windowMs ? 'warn' : 'bad';
}

/** Reads the measures into what the report shows. */
export function buildReportView(measures: ReportMeasures): ReportView {
  const alpha = significanceLevel(measures.confidence);
  const z = twoSidedCriticalValue(measures.confidence);
  const definitions = new Map(measures.triggers.map((t) => [t.triggerId, t]));
  const nameOf = (id: string) => {
    const name = definitions.get(id)?.name;
    return name !== undefined && name !== '' ? name : id;
  };
  const triggers = measures.lift
    .filter((lift) => lift.variant === null)
    .map((lift) => triggerView(lift, definitions.get(lift.triggerId), measures.guardrails, alpha))
    .sort(relativeOrder);
  const live = triggers.filter((t) => t.status === 'live');
  const counted = live.filter((t) => t.verdict !== 'unknown');
  const counts: Record<TriggerVerdict, number> = { works: 0, nothing: 0, harms: 0, unknown: 0 };
  for (const t of live) {
    counts[t.verdict] += 1;
  }
  const intervals = (pick: (t: TriggerView) => Interval | null) =>
    counted.map(pick).filter((i): i is Interval => i !== null);
  const headline: HeadlineView = {
    liveTriggers: live.length,
    counted: counted.length,
    excluded: live
      .filter((t) => t.verdict === 'unknown')
      .map((t) => ({ name: t.name, reason: t.reason })),
    incrementalConversions: sumIntervals(
      intervals((t) => t.lift.incrementalConversions),
      z,
    ),
    incrementalRevenue: sumIntervals(
      intervals((t) => t.lift.incrementalRevenue),
      z,
    ),
    counts,
  };
  const latency: LatencyView[] = measures.latency
    .map((row) => ({
      ...row,
      name: nameOf(row.triggerId),
      expiredShare: row.windowMs === null || row.firings === 0 ? null : row.expired / row.firings,
      state: latencyState(row),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.channel.localeCompare(b.channel));
  const suppression: SuppressionView[] = measures.suppression
    .filter((row) => row.sentFirings > 0)
    .map((row) => {
      const failures = row.convertedThenTargeted + row.convertedInFlight + row.capBreaches;
      return {
        ...row,
        name: nameOf(row.triggerId),
        failures,
        failureRate: failures / row.sentFirings,
      };
    })
    .sort((a, b) => b.failures - a.failures || a.name.localeCompare(b.name));
  const worstSuppression = [...suppression]
    .filter((row) => row.failures > 0)
    .sort((a, b) => b.failureRate - a.failureRate)
    .slice(0, 3);
  const guardrails = measures.guardrails
    .map((g) => ({ ...g, name: nameOf(g.triggerId) }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.outcomeClass.localeCompare(b.outcomeClass));
  return {
    measures,
    alpha,
    triggers,
    headline,
    latency,
    guardrails,
    suppression,
    worstSuppression,
  };
}
