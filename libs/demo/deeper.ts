// The planted facts of the deeper statistics (docs/design.md §9), simulated apart from the main
// program on persons of their own, so that each effect is known exactly and no other trigger
// blurs it:
// - a trigger that works only for one tier (the `tier` property of its firings);
// - a trigger whose revenue lift is hidden by a handful of very large orders;
// - two triggers acting on the same persons whose effects do not add;
// - a trigger too small to tell: a few hundred persons and a 10% holdout, "too little data".
// The block's size is fixed (it does not grow with `persons`), so the planted effects show at any
// demo size; a seed of its own keeps the main program's rows unchanged.

import { BlockSimulator, blockTriggerDefinition } from './planted-block.js';
import type { PlantedDeeperFacts } from './deeper-facts.js';
import { DAY, HOUR, MINUTE } from './program.js';
import type { ProgramRows, TriggerRow } from './rows.js';

/** The consent purpose of the block's triggers, granted by every person of the block. */
const CONSENT_PURPOSE = 'personalization';

/** Persons of each scenario of the block. */
export const DEEPER_PERSONS_PER_SCENARIO = 4_000;

const TIERS: readonly (readonly [string, number])[] = [
  ['gold', 0.3],
  ['silver', 0.4],
  ['bronze', 0.3],
];

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
  return blockTriggerDefinition({
    triggerId,
    channel,
    surface,
    signalType: 'deeper_demo_signal',
    audience: 'deeper_demo_persons',
    consentPurpose: CONSENT_PURPOSE,
    successType,
    conversionWindowMs: 3 * DAY,
    holdoutPct,
  });
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
    heterogeneousTrigger: {
      triggerId: tier.triggerId,
      property: 'tier',
      respondingTier: tier.respondingTier,
    },
    outlierTrigger: { triggerId: outliers.triggerId, largeOrders: outliers.largeOrders },
    interactingPair: { triggerA: pair.triggerA, triggerB: pair.triggerB },
    underpoweredTrigger: { triggerId: small.triggerId, persons: small.persons },
  };
}

class DeeperSimulator extends BlockSimulator {
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
    this.out.firing({
      id,
      triggerId,
      personId,
      at,
      treated,
      channel,
      signalType: 'deeper_demo_signal',
      properties,
    });
  }

  /**
   * The person's grant of the block's consent purpose, a day before the period: the block's
   * triggers send only to persons who consented, so the consent audit sees no violation of theirs.
   */
  private consented(personId: string): void {
    const at = this.out.iso(this.from - DAY);
    this.out.rows.consent.push({
      event_id: `deep-c-${personId}`,
      person_id: personId,
      purpose: CONSENT_PURPOSE,
      granted: true,
      occurred_at: at,
      source: 'deeper_demo',
      recorded_at: at,
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
    this.out.order(personId, type, at + MINUTE + Math.floor(this.rng.between(0, 2 * DAY)), value);
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
  // a seed of the block's own: the main program's draws are not disturbed
  const simulator = new DeeperSimulator((seed ^ 0x5eed16) >>> 0, from, to, 'deep', 'deeper_demo');
  simulator.out.rows.triggers.push(...deeperTriggerDefinitions());
  simulator.simulateTier();
  simulator.simulateOutliers();
  simulator.simulatePair();
  // last, so that the scenarios before it draw what they drew without it
  simulator.simulateSmall();
  return simulator.out.rows;
}
