// The planted shapes in time (docs/design.md §7), simulated apart from the main program on persons
// of their own, so that each shape is known exactly and no other trigger blurs it:
// - a trigger whose effect wears off (novelty): the extra conversion of a treated person halves
//   every few days from the start of the month, so liftOverTime's cumulative lift is high in the
//   first week and settles far lower by the end of the month;
// - a trigger whose effect shows only after a day: a treated person converts exactly as a holdout
//   person does within the first 24 hours after the firing, and the extra conversions come on the
//   second day, so conversionCurve's lift is 0 at one day and clear from two days on.
// The block's size is fixed (it does not grow with `persons`), so the shapes show at any demo size;
// a seed of its own keeps the main program's rows (and the deeper block's) unchanged.

import { BlockSimulator, blockTriggerDefinition } from './planted-block.js';
import type { PlantedOverTimeFacts } from './over-time-facts.js';
import { DAY, HOUR, MINUTE } from './program.js';
import type { ProgramRows, TriggerRow } from './rows.js';

/** Persons of each trigger of the block. */
export const OVER_TIME_PERSONS = { novelty: 10_000, delayed: 6_000 } as const;

/** The block's planted numbers. */
export const OVER_TIME_PLANTED = {
  novelty: {
    triggerId: 'launch-banner-in-app',
    signalType: 'launch_page_viewed',
    successType: 'launch_order',
    /** Conversion probability without the banner (both arms, all month). */
    baseRate: 0.2,
    /** Extra conversion of a person treated at the very start of the period. */
    initialUplift: 0.3,
    /** Days for the extra conversion to halve: uplift(t) = initialUplift · 2^(−t / halfLife). */
    halfLifeDays: 4,
    conversionWindowMs: 3 * DAY,
    /** Conversions come uniformly within this time after the firing, in both arms. */
    conversionSpreadMs: 2 * DAY,
    holdoutPct: 0.5,
  },
  delayed: {
    triggerId: 'price-watch-email',
    signalType: 'price_watch_set',
    successType: 'watched_order',
    /** Conversion probability without the email, uniformly over the conversion window. */
    baseRate: 0.1,
    /** Share of the treated persons the base rate leaves unconverted who convert on day two. */
    uplift: 0.12,
    /** The extra conversions come uniformly in (delay, delay + 1 day] after the firing. */
    delayMs: DAY,
    conversionWindowMs: 4 * DAY,
    holdoutPct: 0.5,
  },
} as const;

/**
 * The novelty trigger's expected relative lift over the persons decided uniformly in
 * [startMs, endMs) after the period's start: the mean of initialUplift · 2^(−t/h) over the span,
 * over the base rate, that is (U / p₀) · h / ((end − start) · ln 2) · (2^(−start/h) − 2^(−end/h)).
 */
export function expectedNoveltyRelativeLift(startMs: number, endMs: number): number {
  const { baseRate, initialUplift, halfLifeDays } = OVER_TIME_PLANTED.novelty;
  const h = halfLifeDays * DAY;
  return (
    ((initialUplift / baseRate) * h * (2 ** (-startMs / h) - 2 ** (-endMs / h))) /
    ((endMs - startMs) * Math.LN2)
  );
}

/** The span of decision times after the period's start for a conversion window, [first, last). */
export function overTimeDecisionSpan(
  periodMs: number,
  conversionWindowMs: number,
): { firstMs: number; lastMs: number } {
  return { firstMs: HOUR, lastMs: Math.max(2 * HOUR, periodMs - conversionWindowMs - DAY) };
}

/** The consent purpose of the block's triggers, granted to every person before the period. */
const PURPOSE = 'personalization';

/** The block's trigger definitions. */
export function overTimeTriggerDefinitions(): TriggerRow[] {
  const { novelty, delayed } = OVER_TIME_PLANTED;
  const shared = { audience: 'over_time_demo_persons', consentPurpose: PURPOSE };
  return [
    blockTriggerDefinition({ ...novelty, ...shared, channel: 'in_app', surface: 'home_banner' }),
    blockTriggerDefinition({ ...delayed, ...shared, channel: 'email', surface: 'inbox' }),
  ];
}

/** What the block plants, for the tests that check it is found. */
export function plantedOverTimeFacts(): PlantedOverTimeFacts {
  const { novelty, delayed } = OVER_TIME_PLANTED;
  return {
    noveltyTrigger: { triggerId: novelty.triggerId },
    delayedTrigger: { triggerId: delayed.triggerId, delayMs: delayed.delayMs },
  };
}

class OverTimeSimulator extends BlockSimulator {
  /** A decision time leaving a full conversion window (and a day) inside the period. */
  private decisionTime(conversionWindowMs: number): number {
    const { firstMs, lastMs } = overTimeDecisionSpan(this.to - this.from, conversionWindowMs);
    return this.from + Math.floor(this.rng.between(firstMs, lastMs));
  }

  /**
   * One person of a trigger: consent to the block's purpose a week before the period, the arm
   * (held out with the trigger's holdout share) and the firing; answers the arm and decision time.
   */
  private person(
    personId: string,
    firingId: string,
    trigger: {
      triggerId: string;
      signalType: string;
      conversionWindowMs: number;
      holdoutPct: number;
    },
    channel: string,
  ): { treated: boolean; at: number } {
    const treated = !this.rng.chance(trigger.holdoutPct);
    const at = this.decisionTime(trigger.conversionWindowMs);
    const consentedAt = this.out.iso(this.from - 7 * DAY);
    this.out.rows.consent.push({
      event_id: `ot-c-${personId}`,
      person_id: personId,
      purpose: PURPOSE,
      granted: true,
      occurred_at: consentedAt,
      source: 'over_time_demo',
      recorded_at: consentedAt,
    });
    const { triggerId, signalType } = trigger;
    this.out.firing({ id: firingId, triggerId, personId, at, treated, channel, signalType });
    return { treated, at };
  }

  /** An order of the person at `at`, with a value as the main program's orders have. */
  private order(personId: string, type: string, at: number): void {
    this.out.order(personId, type, at, Math.round(this.rng.logNormal(55, 0.6) * 100) / 100);
  }

  simulateNovelty(): void {
    const novelty = OVER_TIME_PLANTED.novelty;
    for (let i = 0; i < OVER_TIME_PERSONS.novelty; i += 1) {
      const personId = `ot-novelty-p${i}`;
      const { treated, at } = this.person(personId, `ot-novelty-f${i}`, novelty, 'in_app');
      // the banner's pull halves every halfLifeDays since the start of the period
      const uplift =
        novelty.initialUplift * 2 ** (-(at - this.from) / (novelty.halfLifeDays * DAY));
      if (this.rng.chance(novelty.baseRate + (treated ? uplift : 0))) {
        const after = MINUTE + Math.floor(this.rng.between(0, novelty.conversionSpreadMs - MINUTE));
        this.order(personId, novelty.successType, at + after);
      }
    }
  }

  simulateDelayed(): void {
    const delayed = OVER_TIME_PLANTED.delayed;
    for (let i = 0; i < OVER_TIME_PERSONS.delayed; i += 1) {
      const personId = `ot-delayed-p${i}`;
      const { treated, at } = this.person(personId, `ot-delayed-f${i}`, delayed, 'email');
      if (this.rng.chance(delayed.baseRate)) {
        // both arms alike: uniformly over the conversion window
        const spread = delayed.conversionWindowMs - 2 * MINUTE;
        this.order(
          personId,
          delayed.successType,
          at + MINUTE + Math.floor(this.rng.between(0, spread)),
        );
      } else if (treated && this.rng.chance(delayed.uplift)) {
        // the email's own conversions, all on the day after the first 24 hours
        const after = delayed.delayMs + MINUTE + Math.floor(this.rng.between(0, DAY - MINUTE));
        this.order(personId, delayed.successType, at + after);
      }
    }
  }
}

/**
 * The over-time block's rows for a program of this seed and period: the definitions and, per
 * trigger, its OVER_TIME_PERSONS persons with their consent, signals, firings and orders.
 */
export function generateOverTimeRows(seed: number, from: number, to: number): ProgramRows {
  // a seed of the block's own: the main program's and the deeper block's draws are not disturbed
  const simulator = new OverTimeSimulator((seed ^ 0xfade0) >>> 0, from, to, 'ot', 'over_time_demo');
  simulator.out.rows.triggers.push(...overTimeTriggerDefinitions());
  simulator.simulateNovelty();
  simulator.simulateDelayed();
  return simulator.out.rows;
}
