// The demo personalization program: its trigger definitions, the signals that arm them, how each
// channel behaves, and the effects planted in the data. Everything the generator simulates is
// tuned here; the generator itself only follows these numbers.

import type { Random } from './random.js';
import type { SignalKind, TriggerRow } from './rows.js';

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Share of persons in the global holdout (every firing of theirs has arm `global_holdout`). */
export const GLOBAL_HOLDOUT_SHARE = 0.05;

/** Rates of the planted failures, applied to every live trigger. */
export const PLANTED_RATES = {
  /** A non-first firing of a (person, trigger) flips arm: contamination. */
  contamination: 0.015,
  /** The system sends although the frequency cap is reached: cap breach. */
  capEnforcementFailure: 0.2,
  /** The system sends although the person converted within the lookback: converted-then-targeted. */
  suppressionFailure: 0.4,
  /** After a purchase the person browses again (a new arming signal) within hours. */
  revisitAfterPurchase: 0.25,
  /** A converting treated person opens the message only after converting: converted in flight. */
  openAfterConversion: 0.35,
  /** A consent grant is revoked during the period. */
  consentRevocation: 0.08,
} as const;

/** How a channel decides, delivers and is engaged with. Times in ms. */
export interface ChannelProfile {
  /** signal_at → decided_at. */
  decision: { medianMs: number; sigma: number };
  /** decided_at → dispatched_at. */
  dispatch: { medianMs: number; sigma: number };
  /** dispatched_at → first delivered|rendered; a `slowShare` of sends hit a backlog instead. */
  delivery: { medianMs: number; sigma: number; slowShare: number; slowMedianMs: number };
  firstExposure: 'delivered' | 'rendered';
  /** Share of sends that never deliver, and the exposure recorded for them. */
  failure: { share: number; type: 'bounced' | 'failed' };
  /** Share of sends with no exposure at all (the pixel never came back). */
  lostShare: number;
  /** Human opens (or paid impressions, recorded as `rendered`) after delivery. */
  open?: { share: number; type: 'opened' | 'rendered'; medianMs: number; sigma: number };
  /** Privacy-proxy opens right after delivery (`machine: true`). */
  machineOpenShare: number;
  clickShare: number;
  dismissShare: number;
  /**
   * Overwhelm outcome after a send: its base probability, the fatigue term (probability added per
   * squared count of the person's sends in the 7 days before; fatigue accelerates), and its types.
   */
  overwhelm: { base: number; fatigue: number; types: readonly (readonly [string, number])[] };
  quietHours: boolean;
}

/** Channel behaviour. Latency tails put some firings past their trigger's window. */
export const CHANNEL_PROFILES: Record<string, ChannelProfile> = {
  web: {
    decision: { medianMs: 120, sigma: 0.5 },
    dispatch: { medianMs: 5, sigma: 0.4 },
    delivery: { medianMs: 300, sigma: 0.7, slowShare: 0.02, slowMedianMs: 20 * SECOND },
    firstExposure: 'rendered',
    failure: { share: 0.005, type: 'failed' },
    lostShare: 0.005,
    machineOpenShare: 0,
    clickShare: 0.06,
    dismissShare: 0.1,
    overwhelm: { base: 0.001, fatigue: 0.002, types: [['dismiss', 1]] },
    quietHours: false,
  },
  in_app: {
    decision: { medianMs: 200, sigma: 0.5 },
    dispatch: { medianMs: 10, sigma: 0.4 },
    delivery: { medianMs: 700, sigma: 0.9, slowShare: 0.06, slowMedianMs: 3 * HOUR },
    firstExposure: 'rendered',
    failure: { share: 0.01, type: 'failed' },
    lostShare: 0.005,
    machineOpenShare: 0,
    clickShare: 0.1,
    dismissShare: 0.25,
    overwhelm: {
      base: 0.002,
      fatigue: 0.002,
      types: [
        ['dismiss', 3],
        ['uninstall', 1],
      ],
    },
    quietHours: false,
  },
  push: {
    decision: { medianMs: 1_500, sigma: 0.6 },
    dispatch: { medianMs: 200, sigma: 0.5 },
    delivery: { medianMs: 4 * SECOND, sigma: 1.0, slowShare: 0.03, slowMedianMs: 90 * MINUTE },
    firstExposure: 'delivered',
    failure: { share: 0.02, type: 'failed' },
    lostShare: 0.005,
    open: { share: 0.08, type: 'opened', medianMs: 15 * MINUTE, sigma: 1.2 },
    machineOpenShare: 0,
    clickShare: 0,
    dismissShare: 0.2,
    overwhelm: {
      base: 0.002,
      fatigue: 0.002,
      types: [
        ['opt_out', 3],
        ['uninstall', 2],
      ],
    },
    quietHours: true,
  },
  email: {
    decision: { medianMs: 20 * SECOND, sigma: 0.8 },
    dispatch: { medianMs: 30 * SECOND, sigma: 1.0 },
    delivery: { medianMs: 90 * SECOND, sigma: 1.0, slowShare: 0.04, slowMedianMs: 6 * HOUR },
    firstExposure: 'delivered',
    failure: { share: 0.02, type: 'bounced' },
    lostShare: 0.005,
    open: { share: 0.3, type: 'opened', medianMs: 2 * HOUR, sigma: 1.3 },
    machineOpenShare: 0.2,
    clickShare: 0.3,
    dismissShare: 0,
    overwhelm: {
      base: 0.002,
      fatigue: 0.002,
      types: [
        ['unsubscribe', 6],
        ['complaint', 1],
      ],
    },
    quietHours: false,
  },
  sms: {
    decision: { medianMs: 30 * SECOND, sigma: 0.6 },
    dispatch: { medianMs: 5 * SECOND, sigma: 0.6 },
    delivery: { medianMs: 60 * SECOND, sigma: 1.0, slowShare: 0.03, slowMedianMs: 4 * HOUR },
    firstExposure: 'delivered',
    failure: { share: 0.015, type: 'failed' },
    lostShare: 0.005,
    machineOpenShare: 0,
    clickShare: 0.05,
    dismissShare: 0,
    overwhelm: { base: 0.003, fatigue: 0.002, types: [['opt_out', 1]] },
    quietHours: true,
  },
  paid: {
    decision: { medianMs: 3 * HOUR, sigma: 0.6 },
    dispatch: { medianMs: 10 * MINUTE, sigma: 0.5 },
    delivery: { medianMs: 5 * HOUR, sigma: 0.7, slowShare: 0.06, slowMedianMs: 52 * HOUR },
    firstExposure: 'delivered',
    failure: { share: 0.02, type: 'failed' },
    lostShare: 0.005,
    open: { share: 0.6, type: 'rendered', medianMs: 8 * HOUR, sigma: 0.8 },
    machineOpenShare: 0,
    clickShare: 0.02,
    dismissShare: 0,
    overwhelm: { base: 0.0005, fatigue: 0.002, types: [['opt_out', 1]] },
    quietHours: false,
  },
};

/** A signal type the demo persons emit. `dailyRate` is per person at activity 1. */
export interface SignalSpec {
  type: string;
  kind: SignalKind;
  source: string;
  dailyRate: number;
  /** How long the producer's pipeline took to collect the signal: log-normal, median and σ. */
  collectionLag: { medianMs: number; sigma: number };
}

/**
 * Collection lags by source: a browser's beacon within a fraction of a second, a phone's batched
 * events within seconds (minutes when it was offline), scores as their models publish them.
 */
export const COLLECTION_LAGS = {
  web_sdk: { medianMs: 120, sigma: 0.6 },
  app_sdk: { medianMs: 1_500, sigma: 1.2 },
  auth_service: { medianMs: 40, sigma: 0.5 },
  model: { medianMs: 2_000, sigma: 0.8 },
} as const;

/** Signals emitted as a Poisson process over the period (onboarding signals are added apart). */
export const SIGNAL_SPECS: readonly SignalSpec[] = [
  {
    type: 'page_view',
    kind: 'behavioral',
    source: 'web_sdk',
    dailyRate: 0.02,
    collectionLag: COLLECTION_LAGS.web_sdk,
  },
  {
    type: 'login',
    kind: 'identity',
    source: 'auth_service',
    dailyRate: 0.01,
    collectionLag: COLLECTION_LAGS.auth_service,
  },
  {
    type: 'cart_abandoned',
    kind: 'behavioral',
    source: 'web_sdk',
    dailyRate: 0.035,
    collectionLag: COLLECTION_LAGS.web_sdk,
  },
  {
    type: 'pricing_page_visit',
    kind: 'behavioral',
    source: 'web_sdk',
    dailyRate: 0.04,
    collectionLag: COLLECTION_LAGS.web_sdk,
  },
  {
    type: 'product_viewed',
    kind: 'behavioral',
    source: 'app_sdk',
    dailyRate: 0.05,
    collectionLag: COLLECTION_LAGS.app_sdk,
  },
  {
    type: 'churn_risk_high',
    kind: 'predictive',
    source: 'churn_model_v3',
    dailyRate: 0.015,
    collectionLag: COLLECTION_LAGS.model,
  },
  {
    type: 'high_intent_score',
    kind: 'predictive',
    source: 'propensity_model_v7',
    dailyRate: 0.015,
    collectionLag: COLLECTION_LAGS.model,
  },
];

/** Share of persons who create an account during the period (arms the onboarding trigger). */
export const ACCOUNT_CREATED_SHARE = 0.45;

/** Background behaviour per person per day at activity 1, independent of any firing. */
export const BACKGROUND = {
  purchasesPerDay: 0.008,
  overwhelmPerDay: 0.0007,
  regretShare: 0.06,
} as const;

/** Consent purposes and the share of persons who granted each before the period. */
export const CONSENT_PURPOSES: readonly (readonly [string, number])[] = [
  ['email_marketing', 0.85],
  ['sms_marketing', 0.45],
  ['push_notifications', 0.6],
  ['ads_personalization', 0.7],
  ['personalization', 0.92],
];

/** A trigger of the demo program with the behaviour the generator simulates for it. */
export interface DemoTrigger {
  definition: TriggerRow;
  /** Share of persons in the audience. */
  audienceShare: number;
  /** Share of arming signals that lead to a decision (the rest are deduplicated upstream). */
  fireProbability: number;
  /** The control share assignment really produces; differs from `holdout_pct` only for SRM. */
  actualHoldoutShare: number;
  /** Variants of the treatment (empty: none). */
  variants: readonly string[];
  /** Probability that a firing is followed by a success anyway (both arms alike). */
  naturalConversion: number;
  /** Extra success probability of a delivered treatment firing, by variant ('' without variants). */
  uplift: Readonly<Record<string, number>>;
  /** Extra overwhelm probability of a sent firing (harm). */
  extraOverwhelm: number;
  /** Probability that a success caused by the message is later refunded or returned. */
  causedRegretShare: number;
  /** The success outcome type the generator emits. */
  successType: string;
}

const liveTriggers: readonly DemoTrigger[] = [
  {
    definition: {
      trigger_id: 'cart-recovery-email',
      name: 'Cart recovery email',
      version: 1,
      status: 'live',
      channel: 'email',
      surface: 'inbox',
      signal_types: ['cart_abandoned'],
      audience: 'known_email_subscribers',
      window_ms: 4 * HOUR,
      suppression: { converted_lookback_ms: DAY },
      frequency_cap: { max: 1, per_ms: DAY },
      consent_purpose: 'email_marketing',
      success_types: ['purchase'],
      conversion_window_ms: 3 * DAY,
      guardrail_types: ['unsubscribe', 'complaint', 'return'],
      holdout_pct: 0.1,
    },
    audienceShare: 0.85,
    fireProbability: 0.9,
    actualHoldoutShare: 0.1,
    variants: ['a', 'b'],
    naturalConversion: 0.07,
    uplift: { a: 0.05, b: 0.09 },
    extraOverwhelm: 0,
    causedRegretShare: 0.08,
    successType: 'purchase',
  },
  {
    definition: {
      trigger_id: 'pricing-page-web',
      name: 'Pricing page offer banner',
      version: 1,
      status: 'live',
      channel: 'web',
      surface: 'pricing_banner',
      signal_types: ['pricing_page_visit'],
      audience: 'all_visitors',
      window_ms: 3 * SECOND,
      suppression: { converted_lookback_ms: 12 * HOUR },
      frequency_cap: { max: 3, per_ms: HOUR },
      consent_purpose: 'personalization',
      success_types: ['conversion'],
      conversion_window_ms: DAY,
      guardrail_types: ['refund', 'dismiss'],
      holdout_pct: 0.2,
    },
    audienceShare: 0.9,
    fireProbability: 0.95,
    actualHoldoutShare: 0.2,
    variants: [],
    naturalConversion: 0.05,
    uplift: { '': 0.035 },
    extraOverwhelm: 0,
    causedRegretShare: 0.25,
    successType: 'conversion',
  },
  {
    definition: {
      trigger_id: 'browse-abandon-push',
      name: 'Browse abandonment push',
      version: 1,
      status: 'live',
      channel: 'push',
      surface: 'lock_screen',
      signal_types: ['product_viewed'],
      audience: 'app_users_with_push',
      window_ms: 30 * MINUTE,
      suppression: { converted_lookback_ms: DAY },
      frequency_cap: { max: 2, per_ms: DAY },
      consent_purpose: 'push_notifications',
      success_types: ['purchase'],
      conversion_window_ms: 2 * DAY,
      guardrail_types: ['opt_out', 'uninstall'],
      holdout_pct: 0.3,
    },
    audienceShare: 0.8,
    fireProbability: 0.9,
    actualHoldoutShare: 0.3,
    variants: [],
    naturalConversion: 0.04,
    uplift: { '': 0 },
    extraOverwhelm: 0.05,
    causedRegretShare: 0,
    successType: 'purchase',
  },
  {
    definition: {
      trigger_id: 'winback-sms',
      name: 'Win-back SMS',
      version: 1,
      status: 'live',
      channel: 'sms',
      surface: 'short_code',
      signal_types: ['churn_risk_high'],
      audience: 'lapsed_customers_with_phone',
      window_ms: 2 * HOUR,
      suppression: { converted_lookback_ms: 7 * DAY },
      frequency_cap: { max: 1, per_ms: 7 * DAY },
      consent_purpose: 'sms_marketing',
      success_types: ['purchase'],
      conversion_window_ms: 7 * DAY,
      guardrail_types: ['opt_out', 'complaint'],
      holdout_pct: 0.5,
    },
    audienceShare: 0.85,
    fireProbability: 0.9,
    actualHoldoutShare: 0.5,
    variants: [],
    naturalConversion: 0.05,
    uplift: { '': 0 },
    extraOverwhelm: 0,
    causedRegretShare: 0,
    successType: 'purchase',
  },
  {
    definition: {
      trigger_id: 'onboarding-in-app',
      name: 'Onboarding subscription modal',
      version: 1,
      status: 'live',
      channel: 'in_app',
      surface: 'home_modal',
      signal_types: ['account_created', 'first_app_open'],
      audience: 'new_accounts',
      window_ms: MINUTE,
      suppression: { converted_lookback_ms: 30 * DAY },
      frequency_cap: { max: 1, per_ms: DAY },
      consent_purpose: 'personalization',
      success_types: ['subscription_started'],
      conversion_window_ms: 7 * DAY,
      guardrail_types: ['dismiss', 'uninstall'],
      holdout_pct: 0.15,
    },
    audienceShare: 0.95,
    fireProbability: 0.95,
    actualHoldoutShare: 0.3,
    variants: ['a', 'b'],
    naturalConversion: 0.08,
    uplift: { a: 0.03, b: 0.05 },
    extraOverwhelm: 0,
    causedRegretShare: 0.05,
    successType: 'subscription_started',
  },
  {
    definition: {
      trigger_id: 'lookalike-paid',
      name: 'High-intent paid retargeting',
      version: 1,
      status: 'live',
      channel: 'paid',
      surface: 'meta_custom_audience',
      signal_types: ['high_intent_score'],
      audience: 'consented_high_intent',
      window_ms: 2 * DAY,
      suppression: { converted_lookback_ms: DAY },
      frequency_cap: { max: 1, per_ms: DAY },
      consent_purpose: 'ads_personalization',
      success_types: ['purchase', 'signup'],
      conversion_window_ms: 14 * DAY,
      guardrail_types: ['opt_out'],
      holdout_pct: 0.25,
    },
    audienceShare: 0.85,
    fireProbability: 0.9,
    actualHoldoutShare: 0.25,
    variants: [],
    naturalConversion: 0.04,
    uplift: { '': 0 },
    extraOverwhelm: 0,
    causedRegretShare: 0,
    successType: 'purchase',
  },
];

/**
 * A draft definition that lacks audience, surface and suppression (`suppression`, `frequency_cap`,
 * `consent_purpose`) and most of success (`holdout_pct`, `guardrail_types`,
 * `conversion_window_ms`). It keeps the fields the stream requires, `window_ms` among them, so the
 * row itself is valid.
 */
const draftTrigger: TriggerRow = {
  trigger_id: 'birthday-email',
  name: 'Birthday email',
  version: 1,
  status: 'draft',
  channel: 'email',
  signal_types: ['birthday'],
  window_ms: 7 * DAY,
  success_types: ['purchase'],
};

/** The live triggers the generator simulates. */
export const LIVE_TRIGGERS: readonly DemoTrigger[] = liveTriggers;

/** Every trigger definition of the demo program, live ones first. */
export const TRIGGER_DEFINITIONS: readonly TriggerRow[] = [
  ...liveTriggers.map((trigger) => trigger.definition),
  draftTrigger,
];

/** The definitions the draft trigger lacks (docs/design.md §2 names the six). */
export const DRAFT_MISSING_DEFINITIONS = ['audience', 'surface', 'suppression', 'success'];

/** Value of one success outcome of the given type, in EUR. */
export function successValue(type: string, rng: Random): number {
  switch (type) {
    case 'conversion':
      return rng.weighted([
        [29, 6],
        [99, 3],
        [299, 1],
      ]);
    case 'subscription_started':
      return rng.weighted([
        [9.99, 3],
        [14.99, 1],
      ]);
    default:
      return Math.round(rng.logNormal(55, 0.6) * 100) / 100;
  }
}

/** Facts planted in the generated data, for tests that check what measurement flags. */
export interface PlantedFacts {
  /** Live triggers with all six definitions. */
  liveTriggerIds: string[];
  /** The draft trigger and the definitions it lacks. */
  draftTrigger: { triggerId: string; missing: string[] };
  /** Treatment converts more than control. */
  liftTriggerIds: string[];
  /** Treatment converts exactly as control in expectation. */
  zeroLiftTriggerIds: string[];
  /** Treatment causes clearly more overwhelm outcomes. */
  harmTriggerIds: string[];
  /** Triggers whose treatment is split into variants (and their variant names). */
  variants: Record<string, string[]>;
  /** The sample-ratio mismatch: declared holdout share vs the share assignment really produced. */
  srmTriggers: { triggerId: string; declaredHoldoutPct: number; actualHoldoutShare: number }[];
  /** Share of persons in the global holdout (counted inside each trigger's declared holdout). */
  globalHoldoutShare: number;
  /** Rates of the failures planted on every live trigger. */
  rates: typeof PLANTED_RATES;
  /** Channels covered by the live triggers. */
  channels: string[];
}

/** The planted facts of the demo program (the same for every seed and size). */
export function plantedFacts(): PlantedFacts {
  const upliftOf = (trigger: DemoTrigger): number => Math.max(...Object.values(trigger.uplift));
  return {
    liveTriggerIds: liveTriggers.map((t) => t.definition.trigger_id),
    draftTrigger: { triggerId: draftTrigger.trigger_id, missing: [...DRAFT_MISSING_DEFINITIONS] },
    liftTriggerIds: liveTriggers.filter((t) => upliftOf(t) > 0).map((t) => t.definition.trigger_id),
    zeroLiftTriggerIds: liveTriggers
      .filter((t) => upliftOf(t) === 0)
      .map((t) => t.definition.trigger_id),
    harmTriggerIds: liveTriggers
      .filter((t) => t.extraOverwhelm > 0)
      .map((t) => t.definition.trigger_id),
    variants: Object.fromEntries(
      liveTriggers
        .filter((t) => t.variants.length > 0)
        .map((t) => [t.definition.trigger_id, [...t.variants]]),
    ),
    srmTriggers: liveTriggers
      .filter((t) => t.actualHoldoutShare !== t.definition.holdout_pct)
      .map((t) => ({
        triggerId: t.definition.trigger_id,
        declaredHoldoutPct: t.definition.holdout_pct ?? 0,
        actualHoldoutShare: t.actualHoldoutShare,
      })),
    globalHoldoutShare: GLOBAL_HOLDOUT_SHARE,
    rates: PLANTED_RATES,
    channels: liveTriggers.map((t) => t.definition.channel),
  };
}
