// The reference answers: docs/design.md §3's measures computed from the rows with plain loops, written to be
// read beside the section rather than to be fast. It shares nothing with the generator but the row
// types, so a measurement that agrees with it agrees with the document, not with the simulation.
//
// Readings of the design (docs/design.md) that the text leaves open, chosen here and relied on by the tests:
// - Dedup: a row counts once per id (docs/design.md §5); the first copy wins. Triggers: the highest
//   `version` of each trigger_id is its definition.
// - Subjects are firings with `decided_at` in [from, to); lookbacks (cap, pressure,
//   converted-then-targeted, consent) see every row, inside the period or not; outcome windows are
//   not cut at `to`.
// - Sent = arm `treatment` and no `skip_reason`. Control = arm `holdout` or `global_holdout`.
// - Success types of T = T's own `success_types` only. The default success types (conversion,
//   purchase, signup) classify outcomes in general; counting a purchase as a conversion of a
//   signup trigger would not be that trigger's success. A trigger never defined, or naming none,
//   has the default success types; one never defined has the default lookback and no cap.
// - Overwhelm outcomes = the overwhelm class (unsubscribe, complaint, opt_out, uninstall, dismiss),
//   whatever the trigger's guardrail_types; regret = return, refund, chargeback.
// - Contamination looks at the person's firings of T in [from, to). A contaminated person is
//   excluded from both arms and counted, per trigger and per the arm of their first firing.
// - Latency is reported for sent treatment firings whose signal time is known.
// - Converted in flight: a sent treatment firing with `dispatched_at` and at least one
//   opened|rendered exposure (machine opens included, as the text names no exception) whose person
//   has a success outcome of T with dispatched_at < occurred_at < first opened|rendered.
// - Converted-then-targeted: a success outcome of T with decided_at − L ≤ occurred_at < decided_at.
// - Cap breach: a sent firing f of T when the person already had ≥ max sent firings of T with
//   decided_at strictly inside (f.decided_at − per_ms, f.decided_at).
// - Message pressure of a sent treatment firing at t: 1 (itself) + the person's other sent
//   treatment firings (all triggers) with decided_at in [t − 24h, t), resp. [t − 7d, t). Firings at
//   exactly t do not count. Buckets on the 7-day pressure: '1', '2-3', '4-6', '7+'; a firing is
//   overwhelmed when its person has an overwhelm outcome in (t, t + 7d]. `aboveCap` counts the
//   subjects that are cap breaches of their own trigger.
// - Regret rate: the distinct order_ids of the success outcomes that made persons converters, and
//   of those, the ones with a regret outcome naming them (refund_of_order_id, or order_id on a
//   regret type) in (order time, order time + 30 days].
// - Consent state at t: `granted` of the latest event with occurred_at ≤ t (ties: later
//   recorded_at, then larger event_id wins); no event = not granted. Sync lag of a non-compliant
//   activation: decided_at − occurred_at of that latest event when it is a revocation.

import type { PlantedFacts } from './program.js';
import type {
  ConsentRow,
  DemoStream,
  ExposureRow,
  FiringRow,
  OutcomeRow,
  Period,
  ProgramRows,
  TriggerRow,
} from './rows.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Outcome types of the overwhelm class (docs/design.md §2). */
export const OVERWHELM_TYPES: readonly string[] = [
  'unsubscribe',
  'complaint',
  'opt_out',
  'uninstall',
  'dismiss',
];

/** Outcome types of the regret class (docs/design.md §2). */
export const REGRET_TYPES: readonly string[] = ['return', 'refund', 'chargeback'];

/** The success types of a trigger that names none, or was never defined (docs/design.md §2). */
export const DEFAULT_SUCCESS_TYPES: readonly string[] = ['conversion', 'purchase', 'signup'];

/** The success types a trigger's outcomes are counted with: its own, else the defaults. */
export function successTypesOf(trigger: TriggerRow | undefined): string[] {
  const own = trigger?.success_types ?? [];
  return own.length > 0 ? [...own] : [...DEFAULT_SUCCESS_TYPES];
}

/** The pressure buckets of the dose-response curve, on the 7-day pressure. */
export const PRESSURE_BUCKETS = ['1', '2-3', '4-6', '7+'] as const;

/** Options of {@link computeTruth}. */
export interface TruthOptions {
  /** Passed through to the result, for tests that check flags against what was planted. */
  planted?: PlantedFacts;
  /** Conversion window when a trigger has none (default 7 days). */
  defaultConversionWindowMs?: number;
  /** Converted-then-targeted lookback when a trigger has none (default 24 h). */
  defaultConvertedLookbackMs?: number;
  /** How long after an order a refund still counts as regret (default 30 days). */
  refundWindowMs?: number;
  /** Window after a firing in which an overwhelm outcome counts for dose-response (default 7 d). */
  doseResponseWindowMs?: number;
}

/** One arm of a trigger's lift. Revenue is per person; sums let tests derive means and variances. */
export interface ArmTruth {
  /** Non-contaminated persons assigned to the arm. */
  persons: number;
  /** Of those, persons with a success outcome in (t0, t0 + C]. */
  converters: number;
  /** Sum over persons of their revenue (sum of those outcomes' value). */
  revenue: number;
  /** Sum over persons of their revenue squared. */
  revenueSumOfSquares: number;
  /** Contaminated persons whose first firing was in this arm (excluded from `persons`). */
  contaminatedPersons: number;
  /** Persons with an overwhelm outcome in (t0, t0 + C]. */
  overwhelmedPersons: number;
  /** Persons with a regret outcome in (t0, t0 + C]. */
  regretPersons: number;
  /** Distinct order_ids among the converters' counted success outcomes. */
  convertingOrders: number;
  /** Of those, orders refunded or returned within the refund window. */
  refundedOrders: number;
}

/** Holdout lift inputs of one trigger. */
export interface LiftTruth {
  treatment: ArmTruth;
  control: ArmTruth;
  /** Persons with firings of the trigger in both arms. */
  contaminatedPersons: number;
  /** Treatment persons by assignment variant; each is compared with the whole `control`. */
  variants: Record<string, ArmTruth>;
  srm: {
    /** The trigger's declared holdout_pct. */
    expectedHoldoutShare: number | null;
    /** control persons / (treatment + control persons). */
    observedHoldoutShare: number | null;
    /** Pearson chi-square of (n_t, n_c) against the declared share (1 degree of freedom). */
    chiSquare: number | null;
  };
}

/** Signal-to-action latency of one trigger's sent treatment firings. */
export interface LatencyTruth {
  sentTreatmentFirings: number;
  /** Sent treatment firings with neither `signal_at` nor a known referenced signal. */
  withoutSignalTime: number;
  /** Firings with a latency (the denominator of the within-window rate). */
  measured: number;
  /** end_to_end > window_ms. */
  expired: number;
  /** (measured − expired) / measured; null without firings. */
  withinWindowRate: number | null;
  /** Sorted ascending. */
  endToEndMs: number[];
  /** Sorted ascending. */
  signalToDecisionMs: number[];
  /** Sorted ascending; only firings with a delivered|rendered exposure. */
  decisionToDeliveryMs: number[];
}

/** Suppression failures of one trigger. */
export interface SuppressionTruth {
  sentFirings: number;
  convertedThenTargeted: number;
  convertedInFlight: number;
  capBreaches: number;
}

/** Everything computed for one trigger. */
export interface TriggerTruth {
  triggerId: string;
  name: string;
  channel: string;
  status: string | null;
  windowMs: number;
  conversionWindowMs: number;
  successTypes: string[];
  holdoutPct: number | null;
  /** Names of the six definitions the trigger lacks (see {@link missingDefinitions}). */
  missingDefinitions: string[];
  /** Firings of the trigger in the period, sent or not, any arm. */
  firings: number;
  lift: LiftTruth;
  latency: LatencyTruth;
  suppression: SuppressionTruth;
  consent: { purpose: string | null; sentFirings: number; nonCompliant: number };
}

/** One bucket of the dose-response curve. */
export interface PressureBucketTruth {
  bucket: (typeof PRESSURE_BUCKETS)[number];
  firings: number;
  overwhelmed: number;
  overwhelmRate: number | null;
}

/** Message pressure over every sent treatment firing in the period. */
export interface PressureTruth {
  firings: number;
  aboveCap: number;
  /** Pressure in the last 24 h of each firing, sorted ascending. */
  last24h: number[];
  /** Pressure in the last 7 days of each firing, sorted ascending. */
  last7d: number[];
  /** Both pressures of each sent treatment firing in the period, by firing_id. */
  byFiring: Map<string, { last24h: number; last7d: number }>;
  doseResponse: PressureBucketTruth[];
}

/** Consent audit over the period. */
export interface ConsentTruth {
  nonCompliantActivations: number;
  byTrigger: { triggerId: string; purpose: string; sentFirings: number; nonCompliant: number }[];
  /** decided_at − occurred_at of the revocation in force, per non-compliant activation; sorted. */
  syncLagsMs: number[];
  /** recorded_at − occurred_at of every consent event with recorded_at, per source; sorted. */
  recordLagsMsBySource: Record<string, number[]>;
}

/** What deduplication did to one stream. */
export interface DedupTruth {
  received: number;
  distinct: number;
  /** Copies of an id already seen. */
  duplicates: number;
  /** Of those, copies whose content differs from the first. */
  conflicting: number;
}

/** The reference answers for a set of rows and a period. */
export interface ProgramTruth {
  period: Period;
  triggers: Record<string, TriggerTruth>;
  pressure: PressureTruth;
  consent: ConsentTruth;
  dedup: Record<DemoStream, DedupTruth>;
  planted: PlantedFacts | undefined;
}

/**
 * Computes docs/design.md §3's measures from rows (duplicates may be included; they are collapsed by id)
 * with straightforward loops: the independent reference that measurement queries are tested
 * against. The readings of the document it relies on are listed at the top of this file.
 */
/**
 * What every truth starts from: the settings of the period and options, the rows deduplicated
 * (with what that removed) and indexed, and the firings decided in the period by trigger.
 */
function indexedProgram(rows: ProgramRows, period: Period, options: TruthOptions) {
  const from = period.from.getTime();
  const to = period.to.getTime();
  const settings: TruthSettings = {
    inPeriod: (t) => t >= from && t < to,
    defaultConversionWindowMs: options.defaultConversionWindowMs ?? 7 * DAY,
    defaultLookbackMs: options.defaultConvertedLookbackMs ?? DAY,
    refundWindowMs: options.refundWindowMs ?? 30 * DAY,
    doseWindowMs: options.doseResponseWindowMs ?? 7 * DAY,
  };
  const dedup = {} as Record<DemoStream, DedupTruth>;
  const index = indexRows(dedupeStreams(rows, dedup), settings);
  const firingsByTrigger = groupBy(
    index.firings.filter((f) => settings.inPeriod(f.decidedAt)),
    (f) => f.row.trigger_id,
  );
  return { settings, dedup, index, firingsByTrigger };
}

export function computeTruth(
  rows: ProgramRows,
  period: Period,
  options: TruthOptions = {},
): ProgramTruth {
  const { dedup, index, firingsByTrigger } = indexedProgram(rows, period, options);
  const consent: ConsentTruth = {
    nonCompliantActivations: 0,
    byTrigger: [],
    syncLagsMs: [],
    recordLagsMsBySource: recordLagsBySource(index.consentEvents),
  };
  const triggers: Record<string, TriggerTruth> = {};
  const triggerIds = [...new Set([...index.triggers.keys(), ...firingsByTrigger.keys()])].sort();
  for (const triggerId of triggerIds) {
    const triggerFirings = firingsByTrigger.get(triggerId) ?? [];
    const truth = triggerTruth(index, triggerId, triggerFirings);
    triggers[triggerId] = truth;
    const { purpose, sentFirings, nonCompliant } = truth.consent;
    if (purpose !== null) {
      consent.byTrigger.push({ triggerId, purpose, sentFirings, nonCompliant });
      consent.nonCompliantActivations += nonCompliant;
      consent.syncLagsMs.push(...consentSyncLags(index, triggerFirings, purpose));
    }
  }
  consent.syncLagsMs.sort(ascending);

  return {
    period: { from: new Date(period.from.getTime()), to: new Date(period.to.getTime()) },
    triggers,
    pressure: pressureTruth(index),
    consent,
    dedup,
    planted: options.planted,
  };
}

/**
 * The deduplicated, indexed rows computeTruth reads, for truths computed over other cuts of the
 * same rows (truth-over-time.ts).
 */
export function indexProgram(
  rows: ProgramRows,
  period: Period,
  options: TruthOptions = {},
): TruthIndex {
  return indexedProgram(rows, period, options).index;
}

/** A trigger's truth over the given firings of it (a period's, or a bucket's). */
export function triggerTruthOf(
  index: TruthIndex,
  triggerId: string,
  firings: readonly Firing[],
): TriggerTruth {
  return triggerTruth(index, triggerId, firings);
}

/** The period and the defaults every measure reads. */
export interface TruthSettings {
  inPeriod: (t: number) => boolean;
  defaultConversionWindowMs: number;
  defaultLookbackMs: number;
  refundWindowMs: number;
  doseWindowMs: number;
}

/** Every stream deduplicated by id, each timestamp parsed once. */
export interface DistinctRows {
  triggerRows: TriggerRow[];
  signals: ProgramRows['signals'];
  firings: Firing[];
  exposures: ExposureRow[];
  outcomes: Outcome[];
  consentEvents: ConsentEvent[];
}

/** The deduplicated rows and the lookups the measures share. */
export interface TruthIndex extends DistinctRows {
  settings: TruthSettings;
  /** The newest definition of each trigger. */
  triggers: Map<string, TriggerRow>;
  /** Times of the signals that sent firings reference without carrying signal_at (NaN: unknown). */
  signalTime: Map<string, number>;
  /** First delivered|rendered exposure per firing. */
  firstDelivery: Map<string, number>;
  /** First opened|rendered exposure per firing. */
  firstOpen: Map<string, number>;
  /** Each person's outcomes, by time. */
  outcomesByPerson: Map<string, Outcome[]>;
  /** Regret outcomes by the order they undo. */
  regretTimesByOrder: Map<string, number[]>;
  /** Consent events per person and purpose, in the order that decides the state in force. */
  consentByKey: Map<string, ConsentEvent[]>;
  /** Sent treatment firings per person (all triggers). */
  sentByPerson: Map<string, Firing[]>;
  /** Sent treatment firings per person and trigger. */
  sentByPersonTrigger: Map<string, Firing[]>;
}

function dedupeStreams(rows: ProgramRows, dedup: Record<DemoStream, DedupTruth>): DistinctRows {
  return {
    triggerRows: dedupe(rows.triggers, triggerKey, dedup, 'triggers'),
    signals: dedupe(rows.signals, (r) => r.event_id, dedup, 'signals'),
    firings: dedupe(rows.firings, (r) => r.firing_id, dedup, 'firings').map((row) => ({
      row,
      decidedAt: time(row.decided_at),
      sent: row.arm === 'treatment' && !row.skip_reason,
      armClass: row.arm === 'treatment' ? 'treatment' : 'control',
    })),
    exposures: dedupe(rows.exposures, exposureKey, dedup, 'exposures'),
    outcomes: dedupe(rows.outcomes, (r) => r.outcome_id, dedup, 'outcomes').map((row) => ({
      row,
      at: time(row.occurred_at),
    })),
    consentEvents: dedupe(rows.consent, consentKey, dedup, 'consent').map((row) => ({
      row,
      at: time(row.occurred_at),
    })),
  };
}

function indexRows(distinct: DistinctRows, settings: TruthSettings): TruthIndex {
  const triggers = new Map<string, TriggerRow>();
  for (const trigger of distinct.triggerRows) {
    const current = triggers.get(trigger.trigger_id);
    if (current === undefined || (trigger.version ?? 0) > (current.version ?? 0)) {
      triggers.set(trigger.trigger_id, trigger);
    }
  }

  const firstDelivery = new Map<string, number>();
  const firstOpen = new Map<string, number>();
  for (const exposure of distinct.exposures) {
    const at = time(exposure.occurred_at);
    if (exposure.type === 'delivered' || exposure.type === 'rendered') {
      keepMin(firstDelivery, exposure.firing_id, at);
    }
    if (exposure.type === 'opened' || exposure.type === 'rendered') {
      keepMin(firstOpen, exposure.firing_id, at);
    }
  }

  const outcomesByPerson = groupBy(distinct.outcomes, (o) => o.row.person_id);
  for (const list of outcomesByPerson.values()) {
    list.sort((a, b) => a.at - b.at);
  }
  const consentByKey = groupBy(
    distinct.consentEvents,
    (c) => `${c.row.person_id}\u0000${c.row.purpose}`,
  );
  for (const list of consentByKey.values()) {
    list.sort(compareConsent);
  }

  const sentByPerson = new Map<string, Firing[]>();
  const sentByPersonTrigger = new Map<string, Firing[]>();
  for (const firing of distinct.firings) {
    if (firing.sent) {
      pushTo(sentByPerson, firing.row.person_id, firing);
      pushTo(sentByPersonTrigger, personTriggerKey(firing), firing);
    }
  }

  return {
    ...distinct,
    settings,
    triggers,
    signalTime: referencedSignalTimes(distinct),
    firstDelivery,
    firstOpen,
    outcomesByPerson,
    regretTimesByOrder: regretTimesByOrder(distinct.outcomes),
    consentByKey,
    sentByPerson,
    sentByPersonTrigger,
  };
}

/** Times of the signals that sent firings reference without carrying signal_at. */
function referencedSignalTimes(distinct: DistinctRows): Map<string, number> {
  const signalTime = new Map<string, number>();
  for (const firing of distinct.firings) {
    if (
      firing.sent &&
      firing.row.signal_at === undefined &&
      firing.row.signal_event_id !== undefined
    ) {
      signalTime.set(firing.row.signal_event_id, Number.NaN);
    }
  }
  for (const signal of distinct.signals) {
    if (signalTime.has(signal.event_id)) {
      signalTime.set(signal.event_id, time(signal.occurred_at));
    }
  }
  return signalTime;
}

function regretTimesByOrder(outcomes: readonly Outcome[]): Map<string, number[]> {
  const byOrder = new Map<string, number[]>();
  for (const outcome of outcomes) {
    if (!REGRET_TYPES.includes(outcome.row.type)) {
      continue;
    }
    const orders = new Set<string>();
    if (outcome.row.refund_of_order_id !== undefined) {
      orders.add(outcome.row.refund_of_order_id);
    }
    if (outcome.row.order_id !== undefined) {
      orders.add(outcome.row.order_id);
    }
    for (const order of orders) {
      pushTo(byOrder, order, outcome.at);
    }
  }
  return byOrder;
}

function personTriggerKey(firing: Firing): string {
  return `${firing.row.person_id}\u0000${firing.row.trigger_id}`;
}

function isCapBreach(index: TruthIndex, firing: Firing): boolean {
  const cap = index.triggers.get(firing.row.trigger_id)?.frequency_cap;
  if (cap === undefined) {
    return false;
  }
  const t = firing.decidedAt;
  let earlier = 0;
  for (const other of index.sentByPersonTrigger.get(personTriggerKey(firing)) ?? []) {
    if (other !== firing && other.decidedAt > t - cap.per_ms && other.decidedAt < t) {
      earlier++;
    }
  }
  return earlier >= cap.max;
}

function consentStateAt(
  index: TruthIndex,
  personId: string,
  purpose: string,
  t: number,
): ConsentEvent | undefined {
  let latest: ConsentEvent | undefined;
  for (const event of index.consentByKey.get(`${personId}\u0000${purpose}`) ?? []) {
    if (event.at <= t) {
      latest = event;
    }
  }
  return latest;
}

/** The definition-derived settings of one trigger, with the defaults filled in. */
interface TriggerSettings {
  trigger: TriggerRow | undefined;
  windowMs: number;
  conversionWindowMs: number;
  successTypes: string[];
  lookbackMs: number;
  isSuccess: (o: Outcome) => boolean;
}

function triggerSettings(index: TruthIndex, triggerId: string): TriggerSettings {
  const trigger = index.triggers.get(triggerId);
  const successTypes = successTypesOf(trigger);
  return {
    trigger,
    windowMs: trigger?.window_ms ?? Number.POSITIVE_INFINITY,
    conversionWindowMs: trigger?.conversion_window_ms ?? index.settings.defaultConversionWindowMs,
    successTypes,
    lookbackMs: trigger?.suppression?.converted_lookback_ms ?? index.settings.defaultLookbackMs,
    isSuccess: (o) => successTypes.includes(o.row.type),
  };
}

function triggerTruth(
  index: TruthIndex,
  triggerId: string,
  triggerFirings: readonly Firing[],
): TriggerTruth {
  const settings = triggerSettings(index, triggerId);
  const { trigger } = settings;
  const purpose = trigger?.consent_purpose ?? null;
  return {
    triggerId,
    name: trigger?.name ?? triggerId,
    channel: trigger?.channel ?? triggerFirings[0]?.row.channel ?? '',
    status: trigger?.status ?? null,
    windowMs: settings.windowMs,
    conversionWindowMs: settings.conversionWindowMs,
    successTypes: [...settings.successTypes],
    holdoutPct: trigger?.holdout_pct ?? null,
    missingDefinitions: trigger === undefined ? [...DEFINITION_NAMES] : missingDefinitions(trigger),
    firings: triggerFirings.length,
    lift: liftTruth(index, settings, triggerFirings),
    latency: latencyTruth(index, settings, triggerFirings),
    suppression: suppressionTruth(index, settings, triggerFirings),
    consent: {
      purpose,
      ...(purpose === null
        ? { sentFirings: 0, nonCompliant: 0 }
        : consentCompliance(index, triggerFirings, purpose)),
    },
  };
}

/** What one assigned person did in the conversion window after their first firing. */
interface PersonOutcome {
  converted: boolean;
  revenue: number;
  overwhelmed: boolean;
  regretted: boolean;
  /** The person's counted success orders, each with its earliest time. */
  orders: Map<string, number>;
}

function personOutcome(index: TruthIndex, settings: TriggerSettings, first: Firing): PersonOutcome {
  const t0 = first.decidedAt;
  const result: PersonOutcome = {
    converted: false,
    revenue: 0,
    overwhelmed: false,
    regretted: false,
    orders: new Map(),
  };
  for (const outcome of index.outcomesByPerson.get(first.row.person_id) ?? []) {
    if (!(outcome.at > t0 && outcome.at <= t0 + settings.conversionWindowMs)) {
      continue;
    }
    if (settings.isSuccess(outcome)) {
      result.converted = true;
      result.revenue += outcome.row.value ?? 0;
      if (outcome.row.order_id !== undefined) {
        keepMin(result.orders, outcome.row.order_id, outcome.at);
      }
    }
    if (OVERWHELM_TYPES.includes(outcome.row.type)) {
      result.overwhelmed = true;
    }
    if (REGRET_TYPES.includes(outcome.row.type)) {
      result.regretted = true;
    }
  }
  return result;
}

function addPerson(target: ArmTruth, person: PersonOutcome): void {
  target.persons++;
  target.converters += person.converted ? 1 : 0;
  target.revenue += person.revenue;
  target.revenueSumOfSquares += person.revenue * person.revenue;
  target.overwhelmedPersons += person.overwhelmed ? 1 : 0;
  target.regretPersons += person.regretted ? 1 : 0;
}

/** Lift: assignment = first firing per person; contaminated persons set aside. */
function liftTruth(
  index: TruthIndex,
  settings: TriggerSettings,
  triggerFirings: readonly Firing[],
): LiftTruth {
  const lift: LiftTruth = {
    treatment: emptyArm(),
    control: emptyArm(),
    contaminatedPersons: 0,
    variants: {},
    srm: {
      expectedHoldoutShare: settings.trigger?.holdout_pct ?? null,
      observedHoldoutShare: null,
      chiSquare: null,
    },
  };
  const ordersByArm = { treatment: new Map<string, number>(), control: new Map<string, number>() };
  const ordersByVariant = new Map<string, Map<string, number>>();
  const variantArm = (variant: string): ArmTruth => (lift.variants[variant] ??= emptyArm());

  for (const personFirings of groupBy(triggerFirings, (f) => f.row.person_id).values()) {
    personFirings.sort(
      (a, b) => a.decidedAt - b.decidedAt || compareText(a.row.firing_id, b.row.firing_id),
    );
    const first = personFirings[0];
    const arm = lift[first.armClass];
    const variant = first.armClass === 'treatment' ? first.row.variant : undefined;
    if (personFirings.some((f) => f.armClass !== first.armClass)) {
      lift.contaminatedPersons++;
      arm.contaminatedPersons++;
      if (variant !== undefined) {
        variantArm(variant).contaminatedPersons++;
      }
      continue;
    }

    const person = personOutcome(index, settings, first);
    addPerson(arm, person);
    let variantOrders: Map<string, number> | undefined;
    if (variant !== undefined) {
      addPerson(variantArm(variant), person);
      variantOrders = ordersByVariant.get(variant) ?? new Map<string, number>();
      ordersByVariant.set(variant, variantOrders);
    }
    for (const [order, at] of person.orders) {
      keepMin(ordersByArm[first.armClass], order, at);
      if (variantOrders !== undefined) {
        keepMin(variantOrders, order, at);
      }
    }
  }

  countOrders(index, lift.treatment, ordersByArm.treatment);
  countOrders(index, lift.control, ordersByArm.control);
  for (const [variant, orders] of ordersByVariant) {
    countOrders(index, variantArm(variant), orders);
  }
  lift.srm = sampleRatio(lift);
  return lift;
}

function countOrders(index: TruthIndex, target: ArmTruth, orders: Map<string, number>): void {
  target.convertingOrders = orders.size;
  for (const [order, at] of orders) {
    const refunded = (index.regretTimesByOrder.get(order) ?? []).some(
      (regretAt) => regretAt > at && regretAt <= at + index.settings.refundWindowMs,
    );
    target.refundedOrders += refunded ? 1 : 0;
  }
}

function sampleRatio(lift: LiftTruth): LiftTruth['srm'] {
  const srm = { ...lift.srm };
  const assigned = lift.treatment.persons + lift.control.persons;
  if (assigned > 0) {
    srm.observedHoldoutShare = lift.control.persons / assigned;
    const h = srm.expectedHoldoutShare;
    if (h !== null && h > 0 && h < 1) {
      const expectedControl = assigned * h;
      const expectedTreatment = assigned * (1 - h);
      srm.chiSquare =
        (lift.control.persons - expectedControl) ** 2 / expectedControl +
        (lift.treatment.persons - expectedTreatment) ** 2 / expectedTreatment;
    }
  }
  return srm;
}

/** Latency over the trigger's sent treatment firings. */
function latencyTruth(
  index: TruthIndex,
  settings: TriggerSettings,
  triggerFirings: readonly Firing[],
): LatencyTruth {
  const latency: LatencyTruth = {
    sentTreatmentFirings: 0,
    withoutSignalTime: 0,
    measured: 0,
    expired: 0,
    withinWindowRate: null,
    endToEndMs: [],
    signalToDecisionMs: [],
    decisionToDeliveryMs: [],
  };
  for (const firing of triggerFirings) {
    if (!firing.sent) {
      continue;
    }
    const { row, decidedAt } = firing;
    latency.sentTreatmentFirings++;
    let signalAt: number | undefined;
    if (row.signal_at !== undefined) {
      signalAt = time(row.signal_at);
    } else if (row.signal_event_id !== undefined) {
      signalAt = index.signalTime.get(row.signal_event_id);
    }
    const deliveredAt = index.firstDelivery.get(row.firing_id);
    if (deliveredAt !== undefined) {
      latency.decisionToDeliveryMs.push(deliveredAt - decidedAt);
    }
    if (signalAt === undefined || Number.isNaN(signalAt)) {
      latency.withoutSignalTime++;
    } else {
      const endToEnd = (deliveredAt ?? decidedAt) - signalAt;
      latency.measured++;
      latency.endToEndMs.push(endToEnd);
      latency.signalToDecisionMs.push(decidedAt - signalAt);
      if (endToEnd > settings.windowMs) {
        latency.expired++;
      }
    }
  }
  latency.withinWindowRate =
    latency.measured > 0 ? (latency.measured - latency.expired) / latency.measured : null;
  latency.endToEndMs.sort(ascending);
  latency.signalToDecisionMs.sort(ascending);
  latency.decisionToDeliveryMs.sort(ascending);
  return latency;
}

/** Suppression failures over the trigger's sent treatment firings. */
function suppressionTruth(
  index: TruthIndex,
  settings: TriggerSettings,
  triggerFirings: readonly Firing[],
): SuppressionTruth {
  const suppression: SuppressionTruth = {
    sentFirings: 0,
    convertedThenTargeted: 0,
    convertedInFlight: 0,
    capBreaches: 0,
  };
  const { isSuccess, lookbackMs } = settings;
  for (const firing of triggerFirings) {
    if (!firing.sent) {
      continue;
    }
    const { row, decidedAt } = firing;
    suppression.sentFirings++;
    const personOutcomes = index.outcomesByPerson.get(row.person_id) ?? [];
    if (
      personOutcomes.some((o) => isSuccess(o) && o.at >= decidedAt - lookbackMs && o.at < decidedAt)
    ) {
      suppression.convertedThenTargeted++;
    }
    const openedAt = index.firstOpen.get(row.firing_id);
    if (row.dispatched_at !== undefined && openedAt !== undefined) {
      const dispatchedAt = time(row.dispatched_at);
      if (personOutcomes.some((o) => isSuccess(o) && o.at > dispatchedAt && o.at < openedAt)) {
        suppression.convertedInFlight++;
      }
    }
    if (isCapBreach(index, firing)) {
      suppression.capBreaches++;
    }
  }
  return suppression;
}

/** The consent state in force at each sent firing of a trigger that declares a purpose. */
function consentStates(
  index: TruthIndex,
  triggerFirings: readonly Firing[],
  purpose: string,
): { firing: Firing; state: ConsentEvent | undefined }[] {
  return triggerFirings
    .filter((firing) => firing.sent)
    .map((firing) => ({
      firing,
      state: consentStateAt(index, firing.row.person_id, purpose, firing.decidedAt),
    }));
}

function consentCompliance(
  index: TruthIndex,
  triggerFirings: readonly Firing[],
  purpose: string,
): { sentFirings: number; nonCompliant: number } {
  const states = consentStates(index, triggerFirings, purpose);
  return {
    sentFirings: states.length,
    nonCompliant: states.filter(({ state }) => state?.row.granted !== true).length,
  };
}

/** decided_at − occurred_at of the revocation in force at each non-compliant activation. */
function consentSyncLags(
  index: TruthIndex,
  triggerFirings: readonly Firing[],
  purpose: string,
): number[] {
  const lags: number[] = [];
  for (const { firing, state } of consentStates(index, triggerFirings, purpose)) {
    if (state !== undefined && state.row.granted !== true) {
      lags.push(firing.decidedAt - state.at);
    }
  }
  return lags;
}

function recordLagsBySource(consentEvents: readonly ConsentEvent[]): Record<string, number[]> {
  const bySource: Record<string, number[]> = {};
  for (const event of consentEvents) {
    if (event.row.recorded_at !== undefined) {
      (bySource[event.row.source ?? ''] ??= []).push(time(event.row.recorded_at) - event.at);
    }
  }
  for (const lags of Object.values(bySource)) {
    lags.sort(ascending);
  }
  return bySource;
}

/** Message pressure and dose-response over every sent treatment firing in the period. */
function pressureTruth(index: TruthIndex): PressureTruth {
  const pressure: PressureTruth = {
    firings: 0,
    aboveCap: 0,
    last24h: [],
    last7d: [],
    byFiring: new Map(),
    doseResponse: [],
  };
  const buckets = PRESSURE_BUCKETS.map((bucket) => ({ bucket, firings: 0, overwhelmed: 0 }));
  for (const [personId, sent] of index.sentByPerson) {
    for (const firing of sent) {
      const t = firing.decidedAt;
      if (!index.settings.inPeriod(t)) {
        continue;
      }
      const { last24h, last7d } = pressureAt(sent, t);
      pressure.firings++;
      pressure.last24h.push(last24h);
      pressure.last7d.push(last7d);
      pressure.byFiring.set(firing.row.firing_id, { last24h, last7d });
      if (isCapBreach(index, firing)) {
        pressure.aboveCap++;
      }
      const bucket = buckets[last7d === 1 ? 0 : last7d <= 3 ? 1 : last7d <= 6 ? 2 : 3] as {
        firings: number;
        overwhelmed: number;
      };
      bucket.firings++;
      const overwhelmed = (index.outcomesByPerson.get(personId) ?? []).some(
        (o) =>
          OVERWHELM_TYPES.includes(o.row.type) &&
          o.at > t &&
          o.at <= t + index.settings.doseWindowMs,
      );
      bucket.overwhelmed += overwhelmed ? 1 : 0;
    }
  }
  pressure.last24h.sort(ascending);
  pressure.last7d.sort(ascending);
  pressure.doseResponse = buckets.map((b) => ({
    ...b,
    overwhelmRate: b.firings > 0 ? b.overwhelmed / b.firings : null,
  }));
  return pressure;
}

/** 1 (the firing itself) + the person's sent firings strictly before t within 24 h and 7 days. */
function pressureAt(sent: readonly Firing[], t: number): { last24h: number; last7d: number } {
  let last24h = 1;
  let last7d = 1;
  for (const other of sent) {
    if (other.decidedAt >= t) {
      continue;
    }
    if (other.decidedAt >= t - DAY) {
      last24h++;
    }
    if (other.decidedAt >= t - 7 * DAY) {
      last7d++;
    }
  }
  return { last24h, last7d };
}

/** A firing with its decision time parsed once. */
export interface Firing {
  row: FiringRow;
  decidedAt: number;
  /** Arm treatment and no skip_reason. */
  sent: boolean;
  armClass: 'treatment' | 'control';
}

/** An outcome with its time parsed once. */
export interface Outcome {
  row: OutcomeRow;
  at: number;
}

/** A consent event with its time parsed once. */
export interface ConsentEvent {
  row: ConsentRow;
  at: number;
}

/** The six definitions of docs/design.md §2, in its order. */
export const DEFINITION_NAMES = [
  'signal',
  'audience',
  'surface',
  'window',
  'suppression',
  'success',
] as const;

/**
 * The definitions a trigger lacks. A definition is present when all of its fields are, except
 * `conversion_window_ms`, which has a default: signal = non-empty signal_types; audience;
 * surface = channel and surface; window = window_ms > 0; suppression = suppression, frequency_cap
 * and consent_purpose; success = non-empty success_types, holdout_pct and guardrail_types.
 */
export function missingDefinitions(trigger: TriggerRow): string[] {
  const present: Record<(typeof DEFINITION_NAMES)[number], boolean> = {
    signal: trigger.signal_types.length > 0,
    audience: Boolean(trigger.audience),
    surface: Boolean(trigger.channel) && Boolean(trigger.surface),
    window: trigger.window_ms > 0,
    suppression:
      trigger.suppression !== undefined &&
      trigger.frequency_cap !== undefined &&
      Boolean(trigger.consent_purpose),
    success:
      trigger.success_types.length > 0 &&
      trigger.holdout_pct !== undefined &&
      trigger.guardrail_types !== undefined,
  };
  return DEFINITION_NAMES.filter((name) => !present[name]);
}

function time(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

function ascending(a: number, b: number): number {
  return a - b;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareConsent(a: ConsentEvent, b: ConsentEvent): number {
  return (
    a.at - b.at ||
    time(a.row.recorded_at ?? a.row.occurred_at) - time(b.row.recorded_at ?? b.row.occurred_at) ||
    compareText(a.row.event_id ?? '', b.row.event_id ?? '')
  );
}

function triggerKey(row: TriggerRow): string {
  return `${row.trigger_id}@${row.version ?? 0}`;
}

function exposureKey(row: ExposureRow): string {
  return row.event_id ?? `${row.firing_id}|${row.type}|${row.occurred_at}`;
}

function consentKey(row: ConsentRow): string {
  return (
    row.event_id ??
    `${row.person_id}|${row.purpose}|${row.granted}|${row.occurred_at}|${row.source ?? ''}`
  );
}

function dedupe<T>(
  rows: readonly T[],
  key: (row: T) => string,
  report: Record<DemoStream, DedupTruth>,
  stream: DemoStream,
): T[] {
  const seen = new Map<string, T>();
  const distinct: T[] = [];
  const stats: DedupTruth = { received: rows.length, distinct: 0, duplicates: 0, conflicting: 0 };
  for (const row of rows) {
    const id = key(row);
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, row);
      distinct.push(row);
    } else {
      stats.duplicates++;
      if (JSON.stringify(first) !== JSON.stringify(row)) {
        stats.conflicting++;
      }
    }
  }
  stats.distinct = distinct.length;
  report[stream] = stats;
  return distinct;
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    pushTo(groups, key(row), row);
  }
  return groups;
}

function pushTo<T>(groups: Map<string, T[]>, key: string, row: T): void {
  const list = groups.get(key);
  if (list === undefined) {
    groups.set(key, [row]);
  } else {
    list.push(row);
  }
}

function keepMin(map: Map<string, number>, key: string, value: number): void {
  const current = map.get(key);
  if (current === undefined || value < current) {
    map.set(key, value);
  }
}

function emptyArm(): ArmTruth {
  return {
    persons: 0,
    converters: 0,
    revenue: 0,
    revenueSumOfSquares: 0,
    contaminatedPersons: 0,
    overwhelmedPersons: 0,
    regretPersons: 0,
    convertingOrders: 0,
    refundedOrders: 0,
  };
}

/** One person's assignment to a trigger as lift reads it (for truths built on this index). */
export interface AssignmentTruth {
  personId: string;
  armClass: 'treatment' | 'control';
  /** The assignment (first) firing's row: its channel, surface, variant and properties. */
  firing: FiringRow;
  /** Firings of the trigger in both arms: excluded from every lift. */
  contaminated: boolean;
  /** A success outcome of the trigger in (t0, t0 + C]. */
  converted: boolean;
  /** Sum of those outcomes' value. */
  revenue: number;
}

/**
 * Every trigger's assignments over the period, from the same deduplicated row index and the
 * same per-person rules as {@link computeTruth}'s lift: the first in-period firing per person
 * (time, then id), contamination, and the outcome in the conversion window.
 */
export function assignmentTruths(
  rows: ProgramRows,
  period: Period,
  options: TruthOptions = {},
): Map<string, AssignmentTruth[]> {
  const { index, firingsByTrigger: byTrigger } = indexedProgram(rows, period, options);
  const result = new Map<string, AssignmentTruth[]>();
  for (const [triggerId, triggerFirings] of byTrigger) {
    const triggerSettingsOf = triggerSettings(index, triggerId);
    const assignments: AssignmentTruth[] = [];
    for (const personFirings of groupBy(triggerFirings, (f) => f.row.person_id).values()) {
      personFirings.sort(
        (a, b) => a.decidedAt - b.decidedAt || compareText(a.row.firing_id, b.row.firing_id),
      );
      const first = personFirings[0];
      const outcome = personOutcome(index, triggerSettingsOf, first);
      assignments.push({
        personId: first.row.person_id,
        armClass: first.armClass,
        firing: first.row,
        contaminated: personFirings.some((f) => f.armClass !== first.armClass),
        converted: outcome.converted,
        revenue: outcome.revenue,
      });
    }
    result.set(triggerId, assignments);
  }
  return result;
}
