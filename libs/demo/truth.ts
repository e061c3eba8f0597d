// The reference answers: DESIGN §3's measures computed from the rows with plain loops, written to be
// read beside the section rather than to be fast. It shares nothing with the generator but the row
// types, so a measurement that agrees with it agrees with the document, not with the simulation.
//
// Readings of DESIGN that the text leaves open, chosen here and relied on by the tests:
// - Dedup: a row counts once per id (DESIGN §5); the first copy wins. Triggers: the highest
//   `version` of each trigger_id is its definition.
// - Subjects are firings with `decided_at` in [from, to); lookbacks (cap, pressure,
//   converted-then-targeted, consent) see every row, inside the period or not; outcome windows are
//   not cut at `to`.
// - Sent = arm `treatment` and no `skip_reason`. Control = arm `holdout` or `global_holdout`.
// - Success types of T = T's own `success_types` only. The default success types (conversion,
//   purchase, signup) classify outcomes in general; counting a purchase as a conversion of a
//   signup trigger would not be that trigger's success.
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

/** Outcome types of the overwhelm class (DESIGN §2). */
export const OVERWHELM_TYPES: readonly string[] = [
  'unsubscribe',
  'complaint',
  'opt_out',
  'uninstall',
  'dismiss',
];

/** Outcome types of the regret class (DESIGN §2). */
export const REGRET_TYPES: readonly string[] = ['return', 'refund', 'chargeback'];

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
 * Computes DESIGN §3's measures from rows (duplicates may be included; they are collapsed by id)
 * with straightforward loops: the independent reference that measurement queries are tested
 * against. The readings of the document it relies on are listed at the top of this file.
 */
export function computeTruth(
  rows: ProgramRows,
  period: Period,
  options: TruthOptions = {},
): ProgramTruth {
  const defaultConversionWindowMs = options.defaultConversionWindowMs ?? 7 * DAY;
  const defaultLookbackMs = options.defaultConvertedLookbackMs ?? DAY;
  const refundWindowMs = options.refundWindowMs ?? 30 * DAY;
  const doseWindowMs = options.doseResponseWindowMs ?? 7 * DAY;
  const from = period.from.getTime();
  const to = period.to.getTime();
  const inPeriod = (t: number): boolean => t >= from && t < to;

  // 1. Deduplicate every stream by id; parse each timestamp once.
  const dedup = {} as Record<DemoStream, DedupTruth>;
  const triggerRows = dedupe(rows.triggers, triggerKey, dedup, 'triggers');
  const signals = dedupe(rows.signals, (r) => r.event_id, dedup, 'signals');
  const firings: Firing[] = dedupe(rows.firings, (r) => r.firing_id, dedup, 'firings').map(
    (row) => ({
      row,
      decidedAt: time(row.decided_at),
      sent: row.arm === 'treatment' && !row.skip_reason,
      armClass: row.arm === 'treatment' ? 'treatment' : 'control',
    }),
  );
  const exposures = dedupe(rows.exposures, exposureKey, dedup, 'exposures');
  const outcomes: Outcome[] = dedupe(rows.outcomes, (r) => r.outcome_id, dedup, 'outcomes').map(
    (row) => ({ row, at: time(row.occurred_at) }),
  );
  const consentEvents: ConsentEvent[] = dedupe(rows.consent, consentKey, dedup, 'consent').map(
    (row) => ({ row, at: time(row.occurred_at) }),
  );

  // 2. Index the rows.
  const triggers = new Map<string, TriggerRow>();
  for (const trigger of triggerRows) {
    const current = triggers.get(trigger.trigger_id);
    if (current === undefined || (trigger.version ?? 0) > (current.version ?? 0)) {
      triggers.set(trigger.trigger_id, trigger);
    }
  }

  // Times of the signals that sent firings reference without carrying signal_at.
  const signalTime = new Map<string, number>();
  for (const firing of firings) {
    if (
      firing.sent &&
      firing.row.signal_at === undefined &&
      firing.row.signal_event_id !== undefined
    ) {
      signalTime.set(firing.row.signal_event_id, Number.NaN);
    }
  }
  for (const signal of signals) {
    if (signalTime.has(signal.event_id)) {
      signalTime.set(signal.event_id, time(signal.occurred_at));
    }
  }

  const firstDelivery = new Map<string, number>();
  const firstOpen = new Map<string, number>();
  for (const exposure of exposures) {
    const at = time(exposure.occurred_at);
    if (exposure.type === 'delivered' || exposure.type === 'rendered') {
      keepMin(firstDelivery, exposure.firing_id, at);
    }
    if (exposure.type === 'opened' || exposure.type === 'rendered') {
      keepMin(firstOpen, exposure.firing_id, at);
    }
  }

  const outcomesByPerson = groupBy(outcomes, (o) => o.row.person_id);
  for (const list of outcomesByPerson.values()) {
    list.sort((a, b) => a.at - b.at);
  }

  // Regret outcomes by the order they undo.
  const regretTimesByOrder = new Map<string, number[]>();
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
      pushTo(regretTimesByOrder, order, outcome.at);
    }
  }

  const consentByKey = groupBy(consentEvents, (c) => `${c.row.person_id}\u0000${c.row.purpose}`);
  for (const list of consentByKey.values()) {
    list.sort(compareConsent);
  }

  // Sent treatment firings per person (all triggers) and per person×trigger, for lookbacks.
  const sentByPerson = new Map<string, Firing[]>();
  const sentByPersonTrigger = new Map<string, Firing[]>();
  for (const firing of firings) {
    if (firing.sent) {
      pushTo(sentByPerson, firing.row.person_id, firing);
      pushTo(sentByPersonTrigger, `${firing.row.person_id}\u0000${firing.row.trigger_id}`, firing);
    }
  }

  const isCapBreach = (firing: Firing): boolean => {
    const cap = triggers.get(firing.row.trigger_id)?.frequency_cap;
    if (cap === undefined) {
      return false;
    }
    const t = firing.decidedAt;
    let earlier = 0;
    const key = `${firing.row.person_id}\u0000${firing.row.trigger_id}`;
    for (const other of sentByPersonTrigger.get(key) ?? []) {
      if (other !== firing && other.decidedAt > t - cap.per_ms && other.decidedAt < t) {
        earlier++;
      }
    }
    return earlier >= cap.max;
  };

  const consentStateAt = (
    personId: string,
    purpose: string,
    t: number,
  ): ConsentEvent | undefined => {
    let latest: ConsentEvent | undefined;
    for (const event of consentByKey.get(`${personId}\u0000${purpose}`) ?? []) {
      if (event.at <= t) {
        latest = event;
      }
    }
    return latest;
  };

  // 3. Per trigger.
  const firingsByTrigger = groupBy(
    firings.filter((f) => inPeriod(f.decidedAt)),
    (f) => f.row.trigger_id,
  );
  const consentTruth: ConsentTruth = {
    nonCompliantActivations: 0,
    byTrigger: [],
    syncLagsMs: [],
    recordLagsMsBySource: {},
  };
  const triggerTruths: Record<string, TriggerTruth> = {};
  const triggerIds = [...new Set([...triggers.keys(), ...firingsByTrigger.keys()])].sort();

  for (const triggerId of triggerIds) {
    const trigger = triggers.get(triggerId);
    const windowMs = trigger?.window_ms ?? Number.POSITIVE_INFINITY;
    const conversionWindowMs = trigger?.conversion_window_ms ?? defaultConversionWindowMs;
    const successTypes = trigger?.success_types ?? [];
    const lookbackMs = trigger?.suppression?.converted_lookback_ms ?? defaultLookbackMs;
    const triggerFirings = firingsByTrigger.get(triggerId) ?? [];
    const isSuccess = (o: Outcome): boolean => successTypes.includes(o.row.type);

    // Lift: assignment = first firing per person; contaminated persons set aside.
    const lift: LiftTruth = {
      treatment: emptyArm(),
      control: emptyArm(),
      contaminatedPersons: 0,
      variants: {},
      srm: {
        expectedHoldoutShare: trigger?.holdout_pct ?? null,
        observedHoldoutShare: null,
        chiSquare: null,
      },
    };
    const ordersByArm = {
      treatment: new Map<string, number>(),
      control: new Map<string, number>(),
    };
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

      const t0 = first.decidedAt;
      let converted = false;
      let revenue = 0;
      let overwhelmed = false;
      let regretted = false;
      const personOrders = new Map<string, number>();
      for (const outcome of outcomesByPerson.get(first.row.person_id) ?? []) {
        if (!(outcome.at > t0 && outcome.at <= t0 + conversionWindowMs)) {
          continue;
        }
        if (isSuccess(outcome)) {
          converted = true;
          revenue += outcome.row.value ?? 0;
          if (outcome.row.order_id !== undefined) {
            keepMin(personOrders, outcome.row.order_id, outcome.at);
          }
        }
        if (OVERWHELM_TYPES.includes(outcome.row.type)) {
          overwhelmed = true;
        }
        if (REGRET_TYPES.includes(outcome.row.type)) {
          regretted = true;
        }
      }

      const targets = variant === undefined ? [arm] : [arm, variantArm(variant)];
      for (const target of targets) {
        target.persons++;
        target.converters += converted ? 1 : 0;
        target.revenue += revenue;
        target.revenueSumOfSquares += revenue * revenue;
        target.overwhelmedPersons += overwhelmed ? 1 : 0;
        target.regretPersons += regretted ? 1 : 0;
      }
      let variantOrders: Map<string, number> | undefined;
      if (variant !== undefined) {
        variantOrders = ordersByVariant.get(variant) ?? new Map<string, number>();
        ordersByVariant.set(variant, variantOrders);
      }
      for (const [order, at] of personOrders) {
        keepMin(ordersByArm[first.armClass], order, at);
        if (variantOrders !== undefined) {
          keepMin(variantOrders, order, at);
        }
      }
    }

    const countOrders = (target: ArmTruth, orders: Map<string, number>): void => {
      target.convertingOrders = orders.size;
      for (const [order, at] of orders) {
        const refunded = (regretTimesByOrder.get(order) ?? []).some(
          (regretAt) => regretAt > at && regretAt <= at + refundWindowMs,
        );
        target.refundedOrders += refunded ? 1 : 0;
      }
    };
    countOrders(lift.treatment, ordersByArm.treatment);
    countOrders(lift.control, ordersByArm.control);
    for (const [variant, orders] of ordersByVariant) {
      countOrders(variantArm(variant), orders);
    }

    const assigned = lift.treatment.persons + lift.control.persons;
    if (assigned > 0) {
      lift.srm.observedHoldoutShare = lift.control.persons / assigned;
      const h = lift.srm.expectedHoldoutShare;
      if (h !== null && h > 0 && h < 1) {
        const expectedControl = assigned * h;
        const expectedTreatment = assigned * (1 - h);
        lift.srm.chiSquare =
          (lift.control.persons - expectedControl) ** 2 / expectedControl +
          (lift.treatment.persons - expectedTreatment) ** 2 / expectedTreatment;
      }
    }

    // Latency, suppression and consent over the sent treatment firings.
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
    const suppression: SuppressionTruth = {
      sentFirings: 0,
      convertedThenTargeted: 0,
      convertedInFlight: 0,
      capBreaches: 0,
    };
    const purpose = trigger?.consent_purpose ?? null;
    const consent = { purpose, sentFirings: 0, nonCompliant: 0 };

    for (const firing of triggerFirings) {
      if (!firing.sent) {
        continue;
      }
      const { row } = firing;
      const decidedAt = firing.decidedAt;
      latency.sentTreatmentFirings++;
      suppression.sentFirings++;

      let signalAt: number | undefined;
      if (row.signal_at !== undefined) {
        signalAt = time(row.signal_at);
      } else if (row.signal_event_id !== undefined) {
        signalAt = signalTime.get(row.signal_event_id);
      }
      const deliveredAt = firstDelivery.get(row.firing_id);
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
        if (endToEnd > windowMs) {
          latency.expired++;
        }
      }

      const personOutcomes = outcomesByPerson.get(row.person_id) ?? [];
      if (
        personOutcomes.some(
          (o) => isSuccess(o) && o.at >= decidedAt - lookbackMs && o.at < decidedAt,
        )
      ) {
        suppression.convertedThenTargeted++;
      }
      const openedAt = firstOpen.get(row.firing_id);
      if (row.dispatched_at !== undefined && openedAt !== undefined) {
        const dispatchedAt = time(row.dispatched_at);
        if (personOutcomes.some((o) => isSuccess(o) && o.at > dispatchedAt && o.at < openedAt)) {
          suppression.convertedInFlight++;
        }
      }
      if (isCapBreach(firing)) {
        suppression.capBreaches++;
      }

      if (purpose !== null) {
        consent.sentFirings++;
        const state = consentStateAt(row.person_id, purpose, decidedAt);
        if (state?.row.granted !== true) {
          consent.nonCompliant++;
          if (state !== undefined) {
            consentTruth.syncLagsMs.push(decidedAt - state.at);
          }
        }
      }
    }
    latency.withinWindowRate =
      latency.measured > 0 ? (latency.measured - latency.expired) / latency.measured : null;
    latency.endToEndMs.sort(ascending);
    latency.signalToDecisionMs.sort(ascending);
    latency.decisionToDeliveryMs.sort(ascending);

    if (purpose !== null) {
      consentTruth.byTrigger.push({
        triggerId,
        purpose,
        sentFirings: consent.sentFirings,
        nonCompliant: consent.nonCompliant,
      });
      consentTruth.nonCompliantActivations += consent.nonCompliant;
    }

    triggerTruths[triggerId] = {
      triggerId,
      name: trigger?.name ?? triggerId,
      channel: trigger?.channel ?? triggerFirings[0]?.row.channel ?? '',
      status: trigger?.status ?? null,
      windowMs,
      conversionWindowMs,
      successTypes: [...successTypes],
      holdoutPct: trigger?.holdout_pct ?? null,
      missingDefinitions:
        trigger === undefined ? [...DEFINITION_NAMES] : missingDefinitions(trigger),
      firings: triggerFirings.length,
      lift,
      latency,
      suppression,
      consent,
    };
  }
  consentTruth.syncLagsMs.sort(ascending);
  for (const event of consentEvents) {
    if (event.row.recorded_at !== undefined) {
      const lags = (consentTruth.recordLagsMsBySource[event.row.source ?? ''] ??= []);
      lags.push(time(event.row.recorded_at) - event.at);
    }
  }
  for (const lags of Object.values(consentTruth.recordLagsMsBySource)) {
    lags.sort(ascending);
  }

  // 4. Message pressure and dose-response over every sent treatment firing in the period.
  const pressure: PressureTruth = {
    firings: 0,
    aboveCap: 0,
    last24h: [],
    last7d: [],
    byFiring: new Map(),
    doseResponse: [],
  };
  const buckets = PRESSURE_BUCKETS.map((bucket) => ({ bucket, firings: 0, overwhelmed: 0 }));
  for (const [personId, sent] of sentByPerson) {
    for (const firing of sent) {
      const t = firing.decidedAt;
      if (!inPeriod(t)) {
        continue;
      }
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
      pressure.firings++;
      pressure.last24h.push(last24h);
      pressure.last7d.push(last7d);
      pressure.byFiring.set(firing.row.firing_id, { last24h, last7d });
      if (isCapBreach(firing)) {
        pressure.aboveCap++;
      }
      const bucket = buckets[last7d === 1 ? 0 : last7d <= 3 ? 1 : last7d <= 6 ? 2 : 3] as {
        firings: number;
        overwhelmed: number;
      };
      bucket.firings++;
      const overwhelmed = (outcomesByPerson.get(personId) ?? []).some(
        (o) => OVERWHELM_TYPES.includes(o.row.type) && o.at > t && o.at <= t + doseWindowMs,
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

  return {
    period: { from: new Date(from), to: new Date(to) },
    triggers: triggerTruths,
    pressure,
    consent: consentTruth,
    dedup,
    planted: options.planted,
  };
}

/** A firing with its decision time parsed once. */
interface Firing {
  row: FiringRow;
  decidedAt: number;
  /** Arm treatment and no skip_reason. */
  sent: boolean;
  armClass: 'treatment' | 'control';
}

/** An outcome with its time parsed once. */
interface Outcome {
  row: OutcomeRow;
  at: number;
}

/** A consent event with its time parsed once. */
interface ConsentEvent {
  row: ConsentRow;
  at: number;
}

/** The six definitions of DESIGN §2, in its order. */
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
