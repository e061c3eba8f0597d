import type {
  ConsentAudit,
  CurvePoint,
  LiftPoint,
  GuardrailLift,
  HoldoutPlan,
  LatencyStats,
  PressureReport,
  RevenueCapRequest,
  SegmentedLift,
  SuppressionSummary,
  TriggerLift,
} from '../measurement/index.js';

/** Version of the {@link ReportMeasures} JSON; the BI views read version 1. */
export const REPORT_MEASURES_VERSION = 1;

/** Periods up to this many days get a daily lift-over-time series; longer ones a weekly one. */
export const REPORT_DAILY_DAYS = 62;

/** The step of the report's lift-over-time series of [from, to): a day, a week past 62 days. */
export function overTimeStep(from: Date | string, to: Date | string): 'day' | 'week' {
  const days = (new Date(to).getTime() - new Date(from).getTime()) / 86_400_000;
  return days <= REPORT_DAILY_DAYS ? 'day' : 'week';
}

/** What the report says about a trigger besides its measures: its name and state. */
export interface ReportTrigger {
  triggerId: string;
  name: string;
  channel: string;
  /** draft, live or paused; '' for a trigger that fired but was never defined. */
  status: string;
  windowMs: number | null;
  holdoutPct: number | null;
}

/**
 * Every number the lift report shows, as the GraphQL API returns them, for one tenant and period.
 * Stored as JSON in report snapshots (and read by the bi_lift and bi_guardrails views), so a
 * stored report can always be traced to its figures.
 */
export interface ReportMeasures {
  version: typeof REPORT_MEASURES_VERSION;
  tenantId: string;
  /** Start (inclusive) and end (exclusive) of the period, ISO-8601 UTC. */
  from: string;
  to: string;
  /** When the measures were read, ISO-8601 UTC. */
  generatedAt: string;
  /** Confidence level of every interval. */
  confidence: number;
  /**
   * Currencies of the valued outcomes in the period, most used first (revenue is their sum); ''
   * stands for values sent without a currency.
   */
  currencies: string[];
  triggers: ReportTrigger[];
  /** liftReport: one row per trigger, q-values across all of them. */
  lift: TriggerLift[];
  /** guardrails: overwhelm and regret rows per trigger. */
  guardrails: GuardrailLift[];
  /** triggerLatency grouped by CHANNEL. */
  latency: LatencyStats[];
  pressure: PressureReport;
  suppression: SuppressionSummary[];
  consent: ConsentAudit;
  /**
   * holdoutPlan (relativeMde REPORT_PLAN_MDE) of each live trigger whose lift cannot tell yet
   * (too little data, or no detectable effect): what to change to tell. Absent in snapshots taken
   * before it existed.
   */
  plans?: HoldoutPlan[];
  /**
   * The revenue cap every revenue figure was read with (liftReport's revenueCap); each lift row
   * says its cap in revenueCapValue. Null or absent: revenue uncapped.
   */
  revenueCap?: RevenueCapRequest | null;
  /**
   * liftSegments of the live triggers by channel, surface and the properties their firings carry:
   * how many answers had a heterogeneity test, and those it flagged. Absent in snapshots taken
   * before it existed.
   */
  segments?: ReportSegments;

  /** Measures over time (absent from snapshots stored before they existed). */
  overTime?: ReportOverTime;
}

/** The segment checks of the report (liftSegments, docs/design.md §9). */
export interface ReportSegments {
  /** The dimensions checked: channel, surface, property:<name>. */
  dimensions: string[];
  /** Trigger × dimension answers with a heterogeneity test (at least 2 segments to compare). */
  tested: number;
  /** The answers whose segments respond differently (Cochran's Q, p < 0.05), as liftSegments. */
  flagged: SegmentedLift[];
}

/** The report's "lift over time" section: liftOverTime and conversionCurve as the API answers. */
export interface ReportOverTime {
  /** liftOverTime by day (by week over periods longer than REPORT_DAILY_DAYS) per live trigger. */
  lift: { triggerId: string; points: LiftPoint[] }[];
  /** conversionCurve of the live triggers with the most treated persons. */
  curves: { triggerId: string; points: CurvePoint[] }[];
}

/**
 * Whether the report's conversion curves are final: each counts, at each delay d, the persons
 * assigned before `to` and observed for at least d by `now`, so a curve stops changing once `to`
 * plus its conversion window (its last point's delay) has passed.
 */
export function curvesSettled(overTime: ReportOverTime | undefined, to: Date, now: Date): boolean {
  return (overTime?.curves ?? []).every(({ points }) => {
    const window = points.find((p) => p.isConversionWindow)?.sinceMs ?? points.at(-1)?.sinceMs;
    return window === undefined || to.getTime() + window <= now.getTime();
  });
}
