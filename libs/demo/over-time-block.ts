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

import { createIsoFormatter } from './iso-time.js';
import type { PlantedOverTimeFacts } from './over-time-facts.js';
import { DAY, HOUR, MINUTE, SECOND } from './program.js';
import { Random } from './random.js';
import { emptyRows, type ProgramRows, type TriggerRow } from './rows.js';

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

function definition(
  triggerId: string,
  channel: string,
  surface: string,
  signalType: string,
  successType: string,
  conversionWindowMs: number,
  holdoutPct: number,
): TriggerRow {
  return {
    trigger_id: triggerId,
    name: triggerId,
    version: 1,
    status: 'live',
    channel,
    surface,
    signal_types: [signalType],
    audience: 'over_time_demo_persons',
    window_ms: DAY,
    suppression: { converted_lookback_ms: DAY },
    frequency_cap: { max: 1, per_ms: DAY },
    consent_purpose: PURPOSE,
    success_types: [successType],
    conversion_window_ms: conversionWindowMs,
    guardrail_types: ['unsubscribe'],
    holdout_pct: holdoutPct,
  };
}

/** The block's trigger definitions. */
export function overTimeTriggerDefinitions(): TriggerRow[] {
  const { novelty, delayed } = OVER_TIME_PLANTED;
  return [
    definition(
      novelty.triggerId,
      'in_app',
      'home_banner',
      novelty.signalType,
      novelty.successType,
      novelty.conversionWindowMs,
      novelty.holdoutPct,
    ),
    definition(
      delayed.triggerId,
      'email',
      'inbox',
      delayed.signalType,
      delayed.successType,
      delayed.conversionWindowMs,
      delayed.holdoutPct,
    ),
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

class OverTimeSimulator {
  private readonly rng: Random;
  private readonly iso = createIsoFormatter();
  readonly rows = emptyRows();
  private outcomeCount = 0;

  constructor(
    seed: number,
    private readonly from: number,
    private readonly to: number,
  ) {
    // a seed of the block's own: the main program's and the deeper block's draws are not disturbed
    this.rng = new Random((seed ^ 0xfade0) >>> 0);
  }

  /** A decision time leaving a full conversion window (and a day) inside the period. */
  private decisionTime(conversionWindowMs: number): number {
    const { firstMs, lastMs } = overTimeDecisionSpan(this.to - this.from, conversionWindowMs);
    return this.from + Math.floor(this.rng.between(firstMs, lastMs));
  }

  /** The person's consent to the block's purpose, granted a week before the period. */
  private consent(personId: string): void {
    const at = this.iso(this.from - 7 * DAY);
    this.rows.consent.push({
      event_id: `ot-c-${personId}`,
      person_id: personId,
      purpose: PURPOSE,
      granted: true,
      occurred_at: at,
      source: 'over_time_demo',
      recorded_at: at,
    });
  }

  private firing(
    id: string,
    triggerId: string,
    signalType: string,
    personId: string,
    at: number,
    treated: boolean,
    channel: string,
  ): void {
    // the arming signal a minute before the decision, referenced as the main program's are
    const signalId = `ot-s-${id}`;
    this.rows.signals.push({
      event_id: signalId,
      person_id: personId,
      type: signalType,
      kind: 'behavioral',
      source: 'over_time_demo',
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
    });
  }

  /** An order of the person at `at`, with a value as the main program's orders have. */
  private order(personId: string, type: string, at: number): void {
    this.outcomeCount += 1;
    this.rows.outcomes.push({
      outcome_id: `ot-o${this.outcomeCount}`,
      person_id: personId,
      type,
      occurred_at: this.iso(at),
      order_id: `ot-order${this.outcomeCount}`,
      value: Math.round(this.rng.logNormal(55, 0.6) * 100) / 100,
      currency: 'EUR',
    });
  }

  simulateNovelty(): void {
    const {
      triggerId,
      signalType,
      successType,
      baseRate,
      initialUplift,
      halfLifeDays,
      conversionWindowMs,
      conversionSpreadMs,
      holdoutPct,
    } = OVER_TIME_PLANTED.novelty;
    for (let i = 0; i < OVER_TIME_PERSONS.novelty; i += 1) {
      const personId = `ot-novelty-p${i}`;
      const treated = !this.rng.chance(holdoutPct);
      const at = this.decisionTime(conversionWindowMs);
      this.consent(personId);
      this.firing(`ot-novelty-f${i}`, triggerId, signalType, personId, at, treated, 'in_app');
      // the banner's pull halves every halfLifeDays since the start of the period
      const uplift = initialUplift * 2 ** (-(at - this.from) / (halfLifeDays * DAY));
      if (this.rng.chance(baseRate + (treated ? uplift : 0))) {
        const after = MINUTE + Math.floor(this.rng.between(0, conversionSpreadMs - MINUTE));
        this.order(personId, successType, at + after);
      }
    }
  }

  simulateDelayed(): void {
    const {
      triggerId,
      signalType,
      successType,
      baseRate,
      uplift,
      delayMs,
      conversionWindowMs,
      holdoutPct,
    } = OVER_TIME_PLANTED.delayed;
    for (let i = 0; i < OVER_TIME_PERSONS.delayed; i += 1) {
      const personId = `ot-delayed-p${i}`;
      const treated = !this.rng.chance(holdoutPct);
      const at = this.decisionTime(conversionWindowMs);
      this.consent(personId);
      this.firing(`ot-delayed-f${i}`, triggerId, signalType, personId, at, treated, 'email');
      if (this.rng.chance(baseRate)) {
        // both arms alike: uniformly over the conversion window
        const after = MINUTE + Math.floor(this.rng.between(0, conversionWindowMs - 2 * MINUTE));
        this.order(personId, successType, at + after);
      } else if (treated && this.rng.chance(uplift)) {
        // the email's own conversions, all on the day after the first 24 hours
        const after = delayMs + MINUTE + Math.floor(this.rng.between(0, DAY - MINUTE));
        this.order(personId, successType, at + after);
      }
    }
  }
}

/**
 * The over-time block's rows for a program of this seed and period: the definitions and, per
 * trigger, its OVER_TIME_PERSONS persons with their consent, signals, firings and orders.
 */
export function generateOverTimeRows(seed: number, from: number, to: number): ProgramRows {
  const simulator = new OverTimeSimulator(seed, from, to);
  simulator.rows.triggers.push(...overTimeTriggerDefinitions());
  simulator.simulateNovelty();
  simulator.simulateDelayed();
  return simulator.rows;
}
