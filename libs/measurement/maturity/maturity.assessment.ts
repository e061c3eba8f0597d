import { holdoutPlan, minimumDetectableRelativeLift, roundApartDigits } from '../../stats/index.js';
import { holdoutCaveat, type HoldoutEvidence } from '../lift/lift.calculator.js';
import type { FiringSignalKindsRow, LatencyAgainstWindowsRow } from './maturity.query.js';
import {
  MATURITY_STAGES,
  MATURITY_THRESHOLDS,
  type MaturityStage,
  type MaturityThresholds,
} from './maturity.thresholds.js';
import type { Evidence } from './models/maturity-assessment.model.js';

/** The measured inputs of an assessment, as the other measures report them. */
export interface MaturityInputs {
  kinds: FiringSignalKindsRow;
  latency: readonly LatencyAgainstWindowsRow[];
  /** Ids of the tenant's live triggers (newest definition). */
  liveTriggerIds: readonly string[];
  /** Length of the period in days: with it, a short holdout's evidence says what would do. */
  days?: number;
  /** liftReport rows of the period, one per trigger. */
  lifts: readonly (HoldoutEvidence & {
    triggerId: string;
    holdout: { persons: number; conversions: number; rate: number };
  })[];
  /** suppressionAudit rows of the period. */
  suppression: readonly {
    sentFirings: number;
    convertedThenTargeted: number;
    convertedInFlight: number;
    capBreaches: number;
  }[];
  /** consentAudit of the period. */
  consent: { nonCompliantActivations: number; revokedActivations: number; sentFirings: number };
  /** signalFreshness rows of the period. */
  freshness: readonly {
    type: string;
    source: string;
    kind: string;
    lagP90Ms: number;
    inputAgeP90Ms: number | null;
    exceededWindows: readonly { triggerId: string; windowMs: number }[];
  }[];
}

/** The verdict, before the period is attached. */
export interface Verdict {
  stage: number;
  label: string;
  evidence: Evidence[];
  nextSteps: string[];
}

/** Evidence plus the sentence that says what to do when it fails. */
interface Judged extends Evidence {
  nextStep: string;
}

/** A share in percent, one decimal, or more where one would put it on or across `threshold` or 0. */
const percent = (share: number, threshold?: number): string =>
  `${roundApartDigits(share, 1, { scale: 100, boundaries: threshold === undefined ? [] : [threshold] })}%`;
const count = (n: number): string => n.toLocaleString('en-US');
const oneDecimal = (n: number): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
/** A duration in hours, or in days from two days on. */
const duration = (ms: number): string =>
  ms < 48 * 3_600_000 ? `${oneDecimal(ms / 3_600_000)} h` : `${oneDecimal(ms / 86_400_000)} days`;

type Criterion = (
  name: string,
  stage: number,
  value: number,
  threshold: number,
  explanation: string,
  nextStep: string,
) => Judged;

/** A criterion judged against its threshold, from below (at least) or from above (at most). */
function judge(
  comparison: 'at least' | 'at most',
  ...[name, stage, value, threshold, explanation, nextStep]: Parameters<Criterion>
): Judged {
  const passed = comparison === 'at least' ? value >= threshold : value <= threshold;
  return { name, stage, value, threshold, comparison, passed, explanation, nextStep };
}

const atLeast: Criterion = (...args) => judge('at least', ...args);
const atMost: Criterion = (...args) => judge('at most', ...args);

function behavioralShare(inputs: MaturityInputs, t: MaturityThresholds): Judged {
  const { firings, behavioral, predictive, identity } = inputs.kinds;
  const share = firings === 0 ? 0 : (behavioral + predictive) / firings;
  const other = firings - behavioral - predictive - identity;
  return atLeast(
    'behavioral_firing_share',
    2,
    share,
    t.behavioralFiringShare,
    firings === 0
      ? 'No firings were decided in the period.'
      : `${percent(share, t.behavioralFiringShare)} of ${count(firings)} firings were armed by behavioral or predictive signals ` +
          `(${count(identity)} by identity events, ${count(other)} by no stored signal); at least ` +
          `${percent(t.behavioralFiringShare)} needed.`,
    firings === 0
      ? 'Send firings (and the signals that arm them) to Causeway.'
      : 'Arm triggers on what people do (behavioral signals) rather than on who they are or a calendar, and name the arming signal (signal_event_id) on every firing.',
  );
}

/**
 * What to do when no firing can be held against a window: said once, though both the trigger
 * median and the channel rate fail for it.
 */
const MEASURE_LATENCY_STEP =
  'Give every trigger a window (window_ms) and every firing its signal time (signal_at or signal_event_id).';

function medianLatency(inputs: MaturityInputs, t: MaturityThresholds): Judged {
  const triggers = inputs.latency.filter((r) => r.level === 'trigger');
  const slow = triggers.filter((r) => r.median_window_ratio > 1);
  const share = triggers.length === 0 ? 0 : (triggers.length - slow.length) / triggers.length;
  // read against 1 (the window): 1.004 prints as such, never as 1.00
  const slowText = slow
    .map(
      (r) =>
        `${r.key} (median ${roundApartDigits(r.median_window_ratio, 2, { boundaries: [1] })}× its window)`,
    )
    .join(', ');
  return atLeast(
    'median_latency_within_window',
    3,
    share,
    t.triggersWithMedianLatencyWithinWindow,
    triggers.length === 0
      ? 'No sent treatment firing has both a signal time and a window to measure against.'
      : `${triggers.length - slow.length} of ${triggers.length} triggers act within their window at the median` +
          (slow.length === 0 ? '.' : `; too slow: ${slowText}.`),
    triggers.length === 0
      ? MEASURE_LATENCY_STEP
      : `Cut signal-to-action latency of ${slow.map((r) => r.key).join(', ')} below their windows (decide and deliver faster, or act on a channel that can).`,
  );
}

function channelRates(inputs: MaturityInputs, t: MaturityThresholds): Judged[] {
  const channels = inputs.latency.filter((r) => r.level === 'channel');
  if (channels.length === 0) {
    return [
      atLeast(
        'within_window_rate',
        3,
        0,
        t.channelWithinWindowRate,
        'No sent treatment firing has both a signal time and a window to measure against.',
        MEASURE_LATENCY_STEP,
      ),
    ];
  }
  return channels.map((r) => {
    const rate = r.within_window / r.firings;
    return atLeast(
      `within_window_rate:${r.key === '' ? '(none)' : r.key}`,
      3,
      rate,
      t.channelWithinWindowRate,
      `${r.key || 'no channel'}: ${percent(rate, t.channelWithinWindowRate)} of ${count(r.firings)} sent firings acted within their window; at least ${percent(t.channelWithinWindowRate)} needed.`,
      `Speed up ${r.key || 'firings without a channel'}: ${count(r.firings - r.within_window)} sends arrived after their signal went stale.`,
    );
  });
}

/** Why a live trigger's holdout is not enough. */
interface HoldoutGap {
  triggerId: string;
  /**
   * empty: an arm has no persons; broken: the split fails SRM; changed: the period's firings were
   * drawn with several holdout shares; small: too few to detect.
   */
  kind: 'empty' | 'broken' | 'changed' | 'small';
  reason: string;
}

/**
 * What would detect the goal (docs/design.md §9's holdout plan): the days at the current split,
 * and the holdout share that would within 28 days; '' without the period's length.
 */
function planText(
  lift: MaturityInputs['lifts'][number],
  rate: number,
  days: number | undefined,
  t: MaturityThresholds,
): string {
  if (days === undefined || !(days > 0)) {
    return '';
  }
  const persons = lift.treatment.persons + lift.holdout.persons;
  const plan = holdoutPlan({
    baselineRate: rate,
    persons,
    days,
    holdoutShare: lift.holdout.persons / persons,
    relativeMde: t.holdoutDetectableRelativeLift,
    power: t.holdoutPower,
    alpha: t.holdoutAlpha,
  });
  if (plan.daysToDetect === null) {
    return '';
  }
  const share =
    plan.requiredHoldoutShareIn28Days === null
      ? 'not even a 50% holdout would within 28 days'
      : `a ${percent(plan.requiredHoldoutShareIn28Days)} holdout would within 28 days`;
  return ` (${Math.ceil(plan.daysToDetect)} days at this split; ${share})`;
}

/** The gap of one live trigger's holdout, or undefined when it is big enough. */
function holdoutGap(
  triggerId: string,
  inputs: MaturityInputs,
  t: MaturityThresholds,
): HoldoutGap | undefined {
  const lift = inputs.lifts.find((l) => l.triggerId === triggerId);
  if (lift === undefined || lift.treatment.persons === 0 || lift.holdout.persons === 0) {
    return { triggerId, kind: 'empty', reason: 'no treated or no holdout persons in the period' };
  }
  // the lift's own caveat, in its words: a broken split is not to be trusted, a thin arm is too
  // little data, whatever the detectable lift would be
  const caveat = holdoutCaveat(lift);
  if (caveat !== null) {
    const kind =
      lift.srm.sharesInPeriod.length > 0 ? 'changed' : lift.srm.flagged ? 'broken' : 'small';
    return { triggerId, kind, reason: caveat };
  }
  const rate = lift.holdout.rate;
  if (!(rate > 0 && rate < 1)) {
    const reason = `holdout conversion rate ${percent(rate)}: no lift can be measured`;
    return { triggerId, kind: 'small', reason };
  }
  const detectable = minimumDetectableRelativeLift(
    rate,
    lift.treatment.persons,
    lift.holdout.persons,
    t.holdoutAlpha,
    t.holdoutPower,
  );
  if (detectable === null || detectable > t.holdoutDetectableRelativeLift) {
    const best =
      detectable === null ? 'no lift' : `+${percent(detectable, t.holdoutDetectableRelativeLift)}`;
    const reason = `${count(lift.holdout.persons)} holdout persons detect ${best} at best`;
    return { triggerId, kind: 'small', reason: reason + planText(lift, rate, inputs.days, t) };
  }
  return undefined;
}

function holdoutCoverage(inputs: MaturityInputs, t: MaturityThresholds): Judged {
  const live = [...inputs.liveTriggerIds].sort();
  const gaps = live
    .map((id) => holdoutGap(id, inputs, t))
    .filter((g): g is HoldoutGap => g !== undefined);
  const share = live.length === 0 ? 0 : (live.length - gaps.length) / live.length;
  const goal = `a +${percent(t.holdoutDetectableRelativeLift)} relative lift at ${percent(t.holdoutPower)} power`;
  const ids = (kind: HoldoutGap['kind']) =>
    gaps
      .filter((g) => g.kind === kind)
      .map((g) => g.triggerId)
      .join(', ');
  const steps = [
    ids('small') &&
      `grow the holdouts of ${ids('small')} until each can detect ${goal} (raise holdout_pct or measure a longer period)`,
    ids('broken') &&
      `fix the split of ${ids('broken')} (its holdout share is not the one declared)`,
    ids('changed') &&
      `measure ${ids('changed')} over a period after its change of holdout share (its firings were drawn with several)`,
    ids('empty') && `give ${ids('empty')} both treated and holdout persons`,
  ].filter((step) => step !== '');
  const nextStep =
    live.length === 0
      ? 'Take ready triggers live, each with a holdout (holdout_pct).'
      : `${steps.join('; ').replace(/^./, (c) => c.toUpperCase())}.`;
  return atLeast(
    'holdout_coverage',
    3,
    share,
    t.holdoutCoverage,
    live.length === 0
      ? 'No live triggers.'
      : `${live.length - gaps.length} of ${live.length} live triggers hold out enough persons to detect ${goal}` +
          (gaps.length === 0
            ? '.'
            : `; short: ${gaps.map((g) => `${g.triggerId} (${g.reason})`).join(', ')}.`),
    nextStep,
  );
}

function suppressionRate(inputs: MaturityInputs, t: MaturityThresholds): Judged {
  const sum = (f: (r: MaturityInputs['suppression'][number]) => number): number =>
    inputs.suppression.reduce((total, r) => total + f(r), 0);
  const sent = sum((r) => r.sentFirings);
  const targeted = sum((r) => r.convertedThenTargeted);
  const inFlight = sum((r) => r.convertedInFlight);
  const breaches = sum((r) => r.capBreaches);
  const failures = targeted + inFlight + breaches;
  const rate = sent === 0 ? 0 : failures / sent;
  return atMost(
    'suppression_failure_rate',
    3,
    rate,
    t.suppressionFailureRate,
    sent === 0
      ? 'No sent treatment firings in the period.'
      : `${count(failures)} suppression failures in ${count(sent)} sends (${percent(rate, t.suppressionFailureRate)}): ` +
          `${count(targeted)} converted-then-targeted, ${count(inFlight)} converted in flight, ` +
          `${count(breaches)} cap breaches; at most ${percent(t.suppressionFailureRate)} allowed.`,
    `Enforce suppression: stop sending to people who just converted (${count(targeted)}), resolve content at open time (${count(inFlight)} converted in flight), and enforce frequency caps (${count(breaches)} breaches).`,
  );
}

/** What the non-compliant sends were, as the evidence shows: revoked, or never recorded. */
function consentStep(revoked: number, unrecorded: number): string {
  const parts = [
    revoked > 0 &&
      `${count(revoked)} went to people who had revoked consent (sync revocations faster)`,
    unrecorded > 0 &&
      `${count(unrecorded)} went to people with no consent record for the purpose (record consent before sending, or do not send without it)`,
  ].filter((part): part is string => typeof part === 'string');
  return `Check consent at decision time: ${parts.join('; ')}.`;
}

function consentViolations(inputs: MaturityInputs, t: MaturityThresholds): Judged {
  const { nonCompliantActivations: violations, revokedActivations, sentFirings } = inputs.consent;
  return atMost(
    'consent_violations',
    3,
    violations,
    t.consentViolations,
    `${count(violations)} of ${count(sentFirings)} sends to purposes that need consent went to persons who had not granted it ` +
      `(${count(revokedActivations)} under a revocation, ${count(violations - revokedActivations)} with no consent record; at most ${count(t.consentViolations)} allowed).`,
    consentStep(revokedActivations, violations - revokedActivations),
  );
}

function predictiveShare(inputs: MaturityInputs, t: MaturityThresholds): Judged {
  const { firings, predictive } = inputs.kinds;
  const share = firings === 0 ? 0 : predictive / firings;
  return atLeast(
    'predictive_firing_share',
    4,
    share,
    t.predictiveFiringShare,
    `${percent(share, t.predictiveFiringShare)} of ${count(firings)} firings were armed by predictive signals; at least ${percent(t.predictiveFiringShare)} needed.`,
    'Arm triggers on predictive signals (churn risk, purchase intent) as well as on behavior.',
  );
}

function stalePredictive(inputs: MaturityInputs, t: MaturityThresholds): Judged {
  const predictive = inputs.freshness.filter((r) => r.kind === 'predictive');
  const stale = predictive.filter((r) => r.exceededWindows.length > 0);
  const staleText = stale
    .map(
      (r) =>
        `${r.type} from ${r.source || 'no source'} (p90 ingest lag ${duration(r.lagP90Ms)}, ` +
        `p90 model-input age ${r.inputAgeP90Ms === null ? 'unknown' : duration(r.inputAgeP90Ms)}; ` +
        `past the window of ${r.exceededWindows.map((w) => `${w.triggerId} (${duration(w.windowMs)})`).join(', ')})`,
    )
    .join('; ');
  return atMost(
    'stale_predictive_inputs',
    4,
    stale.length,
    t.stalePredictiveInputs,
    predictive.length === 0
      ? 'No predictive signals occurred in the period.'
      : `${stale.length} of ${predictive.length} predictive signal types arrive too old for the triggers they arm` +
          (stale.length === 0 ? '.' : `: ${staleText}.`),
    `Refresh the model inputs of ${stale.map((r) => r.type).join(', ')} (computed_at) and send their predictions sooner, or widen the windows of the triggers they arm.`,
  );
}

/** What each stage-3 piece of evidence shows when it fails, for the stage-2 label. */
const STAGE_3_GAPS: Record<string, string> = {
  median_latency_within_window: 'fast',
  within_window_rate: 'fast',
  holdout_coverage: 'measured',
  suppression_failure_rate: 'clean suppression',
  consent_violations: 'clean consent',
};

/**
 * The stage's label; stage 2 names only what keeps it from stage 3 ("not yet fast" only when a
 * latency check fails), the last two joined by "or" so that "not yet" reads on every one of them
 * ("not yet measured, clean suppression or clean consent", none of the three).
 */
function stageLabel(stage: MaturityStage, judged: readonly Judged[]): string {
  if (stage !== 2) {
    return MATURITY_STAGES[stage];
  }
  const gaps = judged
    .filter((e) => e.stage === 3 && !e.passed)
    .map((e) => STAGE_3_GAPS[e.name.split(':')[0]] ?? e.name);
  const names = [...new Set(gaps)];
  const last = names.pop();
  return `behavioral, not yet ${names.length === 0 ? last : `${names.join(', ')} or ${last}`}`;
}

/**
 * Places a program at stage 1-4 from its measured evidence (docs/design.md §3). Pure: the numbers
 * come from the other measures; the thresholds from {@link MATURITY_THRESHOLDS}.
 */
export function assessMaturity(
  inputs: MaturityInputs,
  thresholds: MaturityThresholds = MATURITY_THRESHOLDS,
): Verdict {
  const judged: Judged[] = [
    behavioralShare(inputs, thresholds),
    medianLatency(inputs, thresholds),
    ...channelRates(inputs, thresholds),
    holdoutCoverage(inputs, thresholds),
    suppressionRate(inputs, thresholds),
    consentViolations(inputs, thresholds),
    predictiveShare(inputs, thresholds),
    stalePredictive(inputs, thresholds),
  ];
  let stage: MaturityStage = 1;
  for (const next of [2, 3, 4] as const) {
    if (judged.filter((e) => e.stage === next).every((e) => e.passed)) {
      stage = next;
    } else {
      break;
    }
  }
  const failing = judged.filter((e) => e.stage > stage && !e.passed);
  const nextSteps =
    failing.length === 0
      ? ['Every piece of evidence passes: keep holdouts running and re-assess each period.']
      : [...new Set(failing.map((e) => e.nextStep))];
  return {
    stage,
    label: stageLabel(stage, judged),
    evidence: judged.map((e) => ({
      name: e.name,
      stage: e.stage,
      value: e.value,
      threshold: e.threshold,
      comparison: e.comparison,
      passed: e.passed,
      explanation: e.explanation,
    })),
    nextSteps,
  };
}
