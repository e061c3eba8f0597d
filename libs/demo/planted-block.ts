// What the demo's planted blocks (deeper.ts, over-time-block.ts) have alike: live triggers defined
// the same way, a random stream of their own, and rows written the same way (each firing with the
// behavioral signal that armed it a minute before, and orders) under ids of the block's own.

import { createIsoFormatter } from './iso-time.js';
import { DAY, MINUTE, SECOND } from './program.js';
import { Random } from './random.js';
import { emptyRows, type TriggerRow } from './rows.js';

/** What sets a planted block's trigger apart; the rest is the same for all of them. */
export interface BlockTrigger {
  triggerId: string;
  channel: string;
  surface: string;
  signalType: string;
  audience: string;
  consentPurpose: string;
  successType: string;
  conversionWindowMs: number;
  holdoutPct: number;
}

/**
 * A live trigger of a planted block with all six definitions: a day's window, converted lookback
 * and frequency cap (one a day), `unsubscribe` as guardrail.
 */
export function blockTriggerDefinition(trigger: BlockTrigger): TriggerRow {
  return {
    trigger_id: trigger.triggerId,
    name: trigger.triggerId,
    version: 1,
    status: 'live',
    channel: trigger.channel,
    surface: trigger.surface,
    signal_types: [trigger.signalType],
    audience: trigger.audience,
    window_ms: DAY,
    suppression: { converted_lookback_ms: DAY },
    frequency_cap: { max: 1, per_ms: DAY },
    consent_purpose: trigger.consentPurpose,
    success_types: [trigger.successType],
    conversion_window_ms: trigger.conversionWindowMs,
    guardrail_types: ['unsubscribe'],
    holdout_pct: trigger.holdoutPct,
  };
}

/** One firing of a planted block. */
export interface BlockFiring {
  id: string;
  triggerId: string;
  personId: string;
  /** decided_at, in ms. */
  at: number;
  treated: boolean;
  channel: string;
  signalType: string;
  properties?: Record<string, string>;
}

/** The rows of one planted block, every id starting with its prefix. */
export class BlockWriter {
  readonly rows = emptyRows();
  readonly iso = createIsoFormatter();
  private outcomeCount = 0;

  /** `prefix` starts every id the block writes; `source` is its signals' source. */
  constructor(
    private readonly prefix: string,
    private readonly source: string,
  ) {}

  /** The firing, sent at once when treated, and its arming signal a minute before it. */
  firing(firing: BlockFiring): void {
    const { id, triggerId, personId, at, treated, channel, signalType, properties } = firing;
    // referenced by id, as the main program's firings reference theirs
    const signalId = `${this.prefix}-s-${id}`;
    this.rows.signals.push({
      event_id: signalId,
      person_id: personId,
      type: signalType,
      kind: 'behavioral',
      source: this.source,
      occurred_at: this.iso(at - MINUTE),
      // collected by the producer's pipeline half a second after it occurred
      collected_at: this.iso(at - MINUTE + 500),
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

  /** A success outcome that is an order, as the main program's are (with a value when it has one). */
  order(personId: string, type: string, at: number, value?: number): void {
    this.outcomeCount += 1;
    this.rows.outcomes.push({
      outcome_id: `${this.prefix}-o${this.outcomeCount}`,
      person_id: personId,
      type,
      occurred_at: this.iso(at),
      order_id: `${this.prefix}-order${this.outcomeCount}`,
      ...(value === undefined ? {} : { value, currency: 'EUR' }),
    });
  }
}

/** A planted block's simulation: its random stream, its period and its writer. */
export abstract class BlockSimulator {
  protected readonly rng: Random;
  readonly out: BlockWriter;

  /**
   * `seed` is the block's own, derived from the program's: the main program's draws (and the other
   * blocks') are not disturbed by the block's. `prefix` and `source` as {@link BlockWriter}'s.
   */
  constructor(
    seed: number,
    protected readonly from: number,
    protected readonly to: number,
    prefix: string,
    source: string,
  ) {
    this.rng = new Random(seed);
    this.out = new BlockWriter(prefix, source);
  }
}
