// The planted facts of the deeper statistics (docs/design.md §9), simulated apart from the main
// program on persons of their own, so that each effect is known exactly and no other trigger
// blurs it:
// - a trigger that works only for one tier (the `tier` property of its firings);
// - a trigger whose revenue lift is hidden by a handful of very large orders;
// - two triggers acting on the same persons whose effects do not add;
// - a trigger too small to tell: a few hundred persons and a 10% holdout, "too little data".
// The block's size is fixed (it does not grow with `persons`), so the planted effects show at any
// demo size; a seed of its own keeps the main program's rows unchanged.

import type { PlantedDeeperFacts } from './deeper-facts.js';
import { createIsoFormatter } from './iso-time.js';
import { DAY, HOUR, MINUTE, SECOND } from './program.js';
import { Random } from './random.js';
import { emptyRows, type ProgramRows, type TriggerRow } from './rows.js';

/** Persons of each scenario of the block. */
export const DEEPER_PERSONS_PER_SCENARIO = 4_000;

const TIERS: readonly (readonly [string, number])[] = [
  ['gold', 0.3],
  ['silver', 0.4],
  ['bronze', 0.3],
];

/** The consent purpose of the block's triggers, granted by every person of the block. */
const CONSENT_PURPOSE = 'personalization';

/** The block's planted numbers. */
export const DEEPER_PLANTED = {
  tier: {
    triggerId: 'tier-upgrade-email',
    successType: 'upgrade',
    /** Conversion probability without the message (every tier, both arms). */
    baseRate: 0.06,
    /** Extra conversion of a treated person of the tier that responds. */
    uplift: 0.2,
    respondingTier: 'gold',
  },
  outliers: {
    triggerId: 'big-basket-push',
    successType: 'basket_order',
    baseRate: 0.1,
    treatedRate: 0.2,
    /** Treated converters whose order is replaced by a very large one. */
    largeOrders: 3,
    largeOrderValue: 100_000,
  },
  pair: {
    triggerA: 'bundle-email-a',
    triggerB: 'bundle-push-b',
    successType: 'bundle_order',
    baseRate: 0.05,
    /** Each trigger alone adds this much; both together add no more than one. */
    eachAlone: 0.1,
  },
  small: {
    triggerId: 'vip-callback-sms',
    successType: 'vip_renewal',
    /** Persons it reaches over the period: far too few for its holdout to tell. */
    persons: 250,
    holdoutPct: 0.1,
    baseRate: 0.2,
    treatedRate: 0.25,
  },
} as const;

function definition(
  triggerId: string,
  channel: string,
  surface: string,
  successType: string,
  holdoutPct = 0.5,
): TriggerRow {
  return {
    trigger_id: triggerId,
    name: triggerId,
    version: 1,
    status: 'live',
    channel,
    surface,
    signal_types: ['deeper_demo_signal'],
    audience: 'deeper_demo_persons',
    window_ms: DAY,
    suppression: { converted_lookback_ms: DAY },
    frequency_cap: { max: 1, per_ms: DAY },
    consent_purpose: CONSENT_PURPOSE,
    success_types: [successType],
    conversion_window_ms: 3 * DAY,
    guardrail_types: ['unsubscribe'],
    holdout_pct: holdoutPct,
  };
}

/** The block's trigger definitions. */
export function deeperTriggerDefinitions(): TriggerRow[] {
  const { tier, outliers, pair, small } = DEEPER_PLANTED;
  return [
    definition(tier.triggerId, 'email', 'inbox', tier.successType),
    definition(outliers.triggerId, 'push', 'lock_screen', outliers.successType),
    definition(pair.triggerA, 'email', 'inbox', pair.successType),
    definition(pair.triggerB, 'push', 'lock_screen', pair.successType),
    definition(small.triggerId, 'sms', 'sms_inbox', small.successType, small.holdoutPct),
  ];
}

/** What the block plants, for the tests that check it is found. */
export function plantedDeeperFacts(): PlantedDeeperFacts {
  const { tier, outliers, pair, small } = DEEPER_PLANTED;
  return {
    underpoweredTrigger: { triggerId: small.triggerId, persons: small.persons },
    heterogeneousTrigger: {
      triggerId: tier.triggerId,
      property: 'tier',
      respondingTier: tier.respondingTier,
    },
    outlierTrigger: { triggerId: outliers.triggerId, largeOrders: outliers.largeOrders },
    interactingPair: { triggerA: pair.triggerA, triggerB: pair.triggerB },
  };
}

class DeeperSimulator {
  private readonly rng: Random;
  private readonly iso = createIsoFormatter();
  readonly rows = emptyRows();
  private outcomeCount = 0;

  constructor(
    seed: number,
    private readonly from: number,
    private readonly to: number,
  ) {
    // a seed of the block's own: the main program's draws are not disturbed
    this.rng = new Random((seed ^ 0x5eed16) >>> 0);
  }

  /** A decision time leaving a full conversion window inside the period. */
  private decisionTime(): number {
    const last = Math.max(this.from + 2 * HOUR, this.to - 4 * DAY);
    return Math.floor(this.rng.between(this.from + HOUR, last));
  }

  private firing(
    id: string,
    triggerId: string,
    personId: string,
    at: number,
    treated: boolean,
    channel: string,
    properties?: Record<string, string>,
  ): void {
    // the arming signal a minute before the decision, referenced as the main program's are
    const signalId = `deep-s-${id}`;
    this.rows.signals.push({
      event_id: signalId,
      person_id: personId,
      type: 'deeper_demo_signal',
      kind: 'behavioral',
      source: 'deeper_demo',
      occurred_at: this.iso(at - MINUTE),
    });
    this.rows.firings.push({
      firing_id: id,
      trigger_id: triggerId,
      person_id: personId,
      decided_at: this.iso(at),
      arm: treated ? 'treatment' : 'holdout',
      signal_event_id: signalId,
      channel,
      ...(treated ? { dispatched_at: this.iso(at + SECOND) } : {}),
      ...(properties === undefined ? {} : { properties }),
    });
  }

  /**
   * The person's grant of the block's consent purpose, a day before the period: the block's
   * triggers send only to persons who consented, so the consent audit sees no violation of theirs.
   */
  private consented(personId: string): void {
    const at = this.iso(this.from - DAY);
    this.rows.consent.push({
      event_id: `deep-c-${personId}`,
      person_id: personId,
      purpose: CONSENT_PURPOSE,
      granted: true,
      occurred_at: at,
      source: 'deeper_demo',
      recorded_at: at,
    });
  }

  private outcome(personId: string, type: string, at: number, value?: number): void {
    this.outcomeCount += 1;
    this.rows.outcomes.push({
      outcome_id: `deep-o${this.outcomeCount}`,
      person_id: personId,
      type,
      occurred_at: this.iso(at),
      // every success is an order (with a value when it has one), as the main program's are
      order_id: `deep-order${this.outcomeCount}`,
      ...(value === undefined ? {} : { value, currency: 'EUR' }),
    });
  }

  /** Converts within two days after `at` with probability p; returns whether it did. */
  private maybeConvert(
    personId: string,
    type: string,
    at: number,
    p: number,
    value?: number,
  ): boolean {
    if (!this.rng.chance(p)) {
      return false;
    }
    this.outcome(personId, type, at + MINUTE + Math.floor(this.rng.between(0, 2 * DAY)), value);
    return true;
  }

  simulateTier(): void {
    const { triggerId, successType, baseRate, uplift, respondingTier } = DEEPER_PLANTED.tier;
    for (let i = 0; i < DEEPER_PERSONS_PER_SCENARIO; i += 1) {
      const personId = `deep-tier-p${i}`;
      this.consented(personId);
      const tier = this.rng.weighted(TIERS);
      const treated = this.rng.chance(0.5);
      const at = this.decisionTime();
      this.firing(`deep-tier-f${i}`, triggerId, personId, at, treated, 'email', { tier });
      const p = baseRate + (treated && tier === respondingTier ? uplift : 0);
      this.maybeConvert(personId, successType, at, p);
    }
  }

  simulateOutliers(): void {
    const { triggerId, successType, baseRate, treatedRate, largeOrders, largeOrderValue } =
      DEEPER_PLANTED.outliers;
    let placed = 0;
    for (let i = 0; i < DEEPER_PERSONS_PER_SCENARIO; i += 1) {
      const personId = `deep-basket-p${i}`;
      this.consented(personId);
      const treated = this.rng.chance(0.5);
      const at = this.decisionTime();
      this.firing(`deep-basket-f${i}`, triggerId, personId, at, treated, 'push');
      const value = Math.round(this.rng.logNormal(55, 0.6) * 100) / 100;
      // the first treated converters place the very large orders
      const large = treated && placed < largeOrders;
      if (
        this.maybeConvert(
          personId,
          successType,
          at,
          treated ? treatedRate : baseRate,
          large ? largeOrderValue : value,
        ) &&
        large
      ) {
        placed += 1;
      }
    }
  }

  simulatePair(): void {
    const { triggerA, triggerB, successType, baseRate, eachAlone } = DEEPER_PLANTED.pair;
    for (let i = 0; i < DEEPER_PERSONS_PER_SCENARIO; i += 1) {
      const personId = `deep-pair-p${i}`;
      this.consented(personId);
      const treatedA = this.rng.chance(0.5);
      const treatedB = this.rng.chance(0.5);
      const at = this.decisionTime();
      this.firing(`deep-pair-a${i}`, triggerA, personId, at, treatedA, 'email');
      this.firing(`deep-pair-b${i}`, triggerB, personId, at + 30 * MINUTE, treatedB, 'push');
      // either message alone adds eachAlone; both together add no more than one does
      const p = baseRate + (treatedA || treatedB ? eachAlone : 0);
      this.maybeConvert(personId, successType, at + HOUR, p);
    }
  }

  simulateSmall(): void {
    const { triggerId, successType, persons, holdoutPct, baseRate, treatedRate } =
      DEEPER_PLANTED.small;
    for (let i = 0; i < persons; i += 1) {
      const personId = `deep-small-p${i}`;
      this.consented(personId);
      const treated = !this.rng.chance(holdoutPct);
      const at = this.decisionTime();
      this.firing(`deep-small-f${i}`, triggerId, personId, at, treated, 'sms');
      this.maybeConvert(personId, successType, at, treated ? treatedRate : baseRate);
    }
  }
}

/**
 * The deeper block's rows for a program of this seed and period: the definitions and, per
 * scenario, DEEPER_PERSONS_PER_SCENARIO persons with their firings and outcomes (the small
 * trigger's: DEEPER_PLANTED.small.persons).
 */
export function generateDeeperRows(seed: number, from: number, to: number): ProgramRows {
  const simulator = new DeeperSimulator(seed, from, to);
  simulator.rows.triggers.push(...deeperTriggerDefinitions());
  simulator.simulateTier();
  simulator.simulateOutliers();
  simulator.simulatePair();
  // last, so that the scenarios before it draw what they drew without it
  simulator.simulateSmall();
  return simulator.rows;
}
