import { malformedProgramLines } from './malformed.js';
import {
  ACCOUNT_CREATED_SHARE,
  BACKGROUND,
  CHANNEL_PROFILES,
  CONSENT_PURPOSES,
  DAY,
  GLOBAL_HOLDOUT_SHARE,
  HOUR,
  COLLECTION_LAGS,
  LIVE_TRIGGERS,
  MINUTE,
  PLANTED_RATES,
  SECOND,
  SIGNAL_SPECS,
  TRIGGER_DEFINITIONS,
  plantedFacts,
  successValue,
} from './program.js';
import type { ChannelProfile, DemoTrigger, PlantedFacts, SignalSpec } from './program.js';
import { createIsoFormatter } from './iso-time.js';
import { Random } from './random.js';
import { generateDeeperRows } from './deeper.js';
import { generateOverTimeRows } from './over-time-block.js';
import { DEMO_STREAMS, emptyRows } from './rows.js';
import type {
  Arm,
  DemoStream,
  ExposureRow,
  ExposureType,
  FiringRow,
  LinesByStream,
  OutcomeRow,
  Period,
  ProgramRows,
  SignalRow,
} from './rows.js';

/** Options of {@link generateProgram}. */
export interface ProgramOptions {
  /** Seed of the pseudo-random generator: the same options give the same program. */
  seed: number;
  /** Number of persons (default 50 000). */
  persons?: number;
  /** Length of the period in days (default 30). */
  days?: number;
  /** Start of the period (default `2026-10-01T00:00:00Z`). */
  start?: Date | string;
  /** Share of rows delivered a second time as exact copies (default 0.02). */
  duplicateRate?: number;
  /** Malformed lines per stream, cycling through the malformed kinds (default 4). */
  malformedPerStream?: number;
  /**
   * Multiplies every person's signal rates (default 1: about 5 firings per person in 30 days).
   * For benchmarks: 1 000 000 persons at activity 2.2 give about 10 million firings.
   */
  activity?: number;
  /**
   * At most this many rows of each stream of each planted block, evenly spaced through it
   * (default: every row). The blocks hold about 16,000 firings and signals each whatever
   * `persons` is, so a small program is mostly theirs; a spec that wants the program's kinds of
   * rows, not that volume, keeps a few hundred. The blocks' own planted facts
   * (plantedDeeperFacts, plantedOverTimeFacts) hold only for whole blocks; the trigger
   * definitions are always all kept.
   */
  plantedBlockRows?: number;
}

/** Options of {@link generateProgramStream}. */
export interface ProgramStreamOptions extends ProgramOptions {
  /** Persons simulated per chunk (default 10 000). Does not change the rows, only their slicing. */
  chunkPersons?: number;
}

/** A generated demo program. */
export interface GeneratedProgram {
  seed: number;
  /** Distinct rows of every stream, as the API's input objects. */
  rows: ProgramRows;
  /** Exact copies of some rows (same id, same content), to deliver a second time. */
  duplicates: ProgramRows;
  /** Raw NDJSON lines that must be rejected, per stream. */
  malformed: LinesByStream;
  /** The period the signals and firings fall in; outcomes and exposures may run past `to`. */
  period: Period;
  /** What was planted, for tests that check what measurement flags. */
  planted: PlantedFacts;
}

/** A slice of one stream as {@link generateProgramStream} yields it. */
export type ProgramChunk = {
  [S in DemoStream]: {
    stream: S;
    rows: ProgramRows[S];
    duplicates: ProgramRows[S];
    /** Malformed lines of the stream: all of them in its first chunk, none after. */
    malformed: string[];
  };
}[DemoStream];

/**
 * Generates the demo personalization program: trigger definitions, then per person their consent
 * history, signals, the firings the signals arm, the exposures of sent firings and the outcomes
 * that follow, with lift, harm, sample-ratio mismatch and suppression and consent failures
 * planted (see {@link PlantedFacts}). Deterministic for a seed.
 */
export function generateProgram(options: ProgramOptions): GeneratedProgram {
  const settings = resolveSettings(options);
  const simulator = new ProgramSimulator(settings);
  const rows = emptyRows();
  const duplicates = emptyRows();
  simulator.defineTriggers(rows, duplicates);
  simulator.simulatePersons(0, settings.persons, rows, duplicates);
  // the planted blocks of the deeper statistics (deeper.ts) and of the shapes in time
  // (over-time-block.ts), each on persons of its own
  for (const block of plantedBlocks(settings)) {
    for (const stream of DEMO_STREAMS) {
      (rows[stream] as object[]).push(...block[stream]);
    }
  }
  return {
    seed: settings.seed,
    rows,
    duplicates,
    malformed: malformedProgramLines(settings.malformedPerStream),
    period: { from: new Date(settings.from), to: new Date(settings.to) },
    planted: plantedFacts(),
  };
}

/**
 * The same program as {@link generateProgram} with the same options, yielded lazily: the trigger
 * definitions first, then each stream's rows for every `chunkPersons` persons. Memory stays
 * bounded by one chunk, which is what a million-person benchmark needs.
 */
export function* generateProgramStream(
  options: ProgramStreamOptions,
): Generator<ProgramChunk, void, undefined> {
  const settings = resolveSettings(options);
  const chunkPersons = options.chunkPersons ?? 10_000;
  if (!Number.isInteger(chunkPersons) || chunkPersons < 1) {
    throw new RangeError(`chunkPersons must be a positive integer, got ${chunkPersons}`);
  }
  const simulator = new ProgramSimulator(settings);
  const malformed = malformedProgramLines(settings.malformedPerStream);
  const definitions = emptyRows();
  const definitionCopies = emptyRows();
  simulator.defineTriggers(definitions, definitionCopies);
  // the planted blocks (deeper.ts, over-time-block.ts): their definitions here, their rows last
  const blocks = plantedBlocks(settings);
  for (const block of blocks) {
    definitions.triggers.push(...block.triggers);
  }
  yield {
    stream: 'triggers',
    rows: definitions.triggers,
    duplicates: definitionCopies.triggers,
    malformed: malformed.triggers,
  };
  for (let first = 0; first < settings.persons; first += chunkPersons) {
    const rows = emptyRows();
    const duplicates = emptyRows();
    simulator.simulatePersons(
      first,
      Math.min(settings.persons, first + chunkPersons),
      rows,
      duplicates,
    );
    for (const stream of PERSON_STREAMS) {
      yield {
        stream,
        rows: rows[stream],
        duplicates: duplicates[stream],
        malformed: first === 0 ? malformed[stream] : [],
      } as ProgramChunk;
    }
  }
  for (const block of blocks) {
    for (const stream of PERSON_STREAMS) {
      yield { stream, rows: block[stream], duplicates: [], malformed: [] } as ProgramChunk;
    }
  }
}

/** The planted blocks' rows, in the order they follow the program's own: deeper, then over time. */
function plantedBlocks(settings: Settings): ProgramRows[] {
  const blocks = [
    generateDeeperRows(settings.seed, settings.from, settings.to),
    generateOverTimeRows(settings.seed, settings.from, settings.to),
  ];
  const most = settings.plantedBlockRows;
  if (most === undefined) {
    return blocks;
  }
  const thinned = <T>(rows: T[]): T[] => {
    const step = Math.max(1, Math.ceil(rows.length / Math.max(most, 1)));
    return most === 0 ? [] : rows.filter((_, i) => i % step === 0);
  };
  return blocks.map((block) => ({
    triggers: block.triggers,
    signals: thinned(block.signals),
    firings: thinned(block.firings),
    exposures: thinned(block.exposures),
    outcomes: thinned(block.outcomes),
    consent: thinned(block.consent),
  }));
}

/** The period of a program generated with these options. */
export function programPeriod(options: Omit<ProgramOptions, 'seed'>): Period {
  const settings = resolveSettings({ ...options, seed: 0 });
  return { from: new Date(settings.from), to: new Date(settings.to) };
}

const PERSON_STREAMS = ['signals', 'firings', 'exposures', 'outcomes', 'consent'] as const;

const OVERWHELM_TYPES = ['unsubscribe', 'complaint', 'opt_out', 'uninstall', 'dismiss'] as const;

const ONBOARDING_SIGNALS: readonly SignalSpec[] = [
  {
    type: 'account_created',
    kind: 'identity',
    source: 'auth_service',
    dailyRate: 0,
    collectionLag: COLLECTION_LAGS.auth_service,
  },
  {
    type: 'first_app_open',
    kind: 'behavioral',
    source: 'app_sdk',
    dailyRate: 0,
    collectionLag: COLLECTION_LAGS.app_sdk,
  },
];

const SIGNAL_BY_TYPE: ReadonlyMap<string, SignalSpec> = new Map(
  [...SIGNAL_SPECS, ...ONBOARDING_SIGNALS].map((spec) => [spec.type, spec]),
);

interface Settings {
  seed: number;
  persons: number;
  days: number;
  from: number;
  to: number;
  duplicateRate: number;
  malformedPerStream: number;
  activity: number;
  plantedBlockRows: number | undefined;
}

function resolveSettings(options: ProgramOptions): Settings {
  const persons = options.persons ?? 50_000;
  const days = options.days ?? 30;
  const start = options.start ?? '2026-10-01T00:00:00Z';
  const from = typeof start === 'string' ? Date.parse(start) : start.getTime();
  const duplicateRate = options.duplicateRate ?? 0.02;
  const malformedPerStream = options.malformedPerStream ?? 4;
  const activity = options.activity ?? 1;
  const problems: string[] = [];
  if (!Number.isInteger(options.seed)) {
    problems.push(`seed must be an integer, got ${options.seed}`);
  }
  if (!Number.isInteger(persons) || persons < 1) {
    problems.push(`persons must be a positive integer, got ${persons}`);
  }
  if (!(days > 0)) {
    problems.push(`days must be positive, got ${days}`);
  }
  if (Number.isNaN(from)) {
    problems.push(`start is not a valid date: ${String(start)}`);
  }
  if (!(duplicateRate >= 0 && duplicateRate <= 1)) {
    problems.push(`duplicateRate must be within [0, 1], got ${duplicateRate}`);
  }
  if (!Number.isInteger(malformedPerStream) || malformedPerStream < 0) {
    problems.push(`malformedPerStream must be a non-negative integer, got ${malformedPerStream}`);
  }
  if (!(activity > 0)) {
    problems.push(`activity must be positive, got ${activity}`);
  }
  const { plantedBlockRows } = options;
  if (
    plantedBlockRows !== undefined &&
    (!Number.isInteger(plantedBlockRows) || plantedBlockRows < 0)
  ) {
    problems.push(`plantedBlockRows must be a non-negative integer, got ${plantedBlockRows}`);
  }
  if (problems.length > 0) {
    throw new RangeError(problems.join('; '));
  }
  return {
    seed: options.seed,
    persons,
    days,
    from,
    to: from + Math.round(days * DAY),
    duplicateRate,
    malformedPerStream,
    activity,
    plantedBlockRows,
  };
}

interface ConsentEvent {
  occurredAt: number;
  recordedAt: number;
  granted: boolean;
  source: string;
}

interface TriggerState {
  /** The arm of the person's first firing (later firings keep it unless contaminated). */
  arm: Arm;
  variant: string | undefined;
  /** decided_at of the sent firings of this trigger. */
  sentAt: number[];
}

interface PendingSignal {
  at: number;
  type: string;
}

interface Person {
  index: number;
  id: string;
  globalHoldout: boolean;
  activity: number;
  inAudience: boolean[];
  triggers: (TriggerState | undefined)[];
  consent: Map<string, ConsentEvent[]>;
  /** decided_at of every sent treatment firing, all triggers. */
  sentAt: number[];
  successes: { at: number; type: string }[];
  /** Signals in time order; the one at `cursor` is being processed. */
  queue: PendingSignal[];
  cursor: number;
}

/** What happened to a sent firing on its surface, as times (ms). */
interface Delivery {
  firstAt?: number;
  failure?: { type: ExposureType; at: number };
  openAt?: number;
  machineOpenAt?: number;
  clickAt?: number;
  dismissAt?: number;
}

interface SuccessContext {
  firingId?: string;
  channel?: string;
  regretShare: number;
}

/** Simulates persons one after the other; one instance per generation run. */
class ProgramSimulator {
  private readonly rng: Random;
  /** A separate stream, so the duplicate rate does not change the rows. */
  private readonly copies: Random;
  /** Another, for the collection lags, so that stating them changed no other row. */
  private readonly collection: Random;
  private readonly span: number;
  private readonly triggerBySignal = new Map<string, number>();
  /** Holdout probability among persons outside the global holdout, per live trigger. */
  private readonly holdoutProbability: number[];
  private rows: ProgramRows = emptyRows();
  private duplicates: ProgramRows = emptyRows();
  private sequence = { signal: 0, firing: 0, exposure: 0, outcome: 0, consent: 0, order: 0 };
  private readonly iso = createIsoFormatter();

  constructor(private readonly settings: Settings) {
    this.rng = new Random(settings.seed);
    this.copies = new Random(settings.seed ^ 0x5bd1e995);
    this.collection = new Random(settings.seed ^ 0x2545f491);
    this.span = settings.to - settings.from;
    LIVE_TRIGGERS.forEach((trigger, index) => {
      for (const type of trigger.definition.signal_types) {
        this.triggerBySignal.set(type, index);
      }
    });
    // The declared holdout_pct is the whole control share, global holdout included.
    this.holdoutProbability = LIVE_TRIGGERS.map(
      (trigger) => (trigger.actualHoldoutShare - GLOBAL_HOLDOUT_SHARE) / (1 - GLOBAL_HOLDOUT_SHARE),
    );
  }

  defineTriggers(rows: ProgramRows, duplicates: ProgramRows): void {
    this.rows = rows;
    this.duplicates = duplicates;
    for (const definition of TRIGGER_DEFINITIONS) {
      this.keep(rows.triggers, duplicates.triggers, structuredClone(definition));
    }
  }

  simulatePersons(first: number, end: number, rows: ProgramRows, duplicates: ProgramRows): void {
    this.rows = rows;
    this.duplicates = duplicates;
    for (let index = first; index < end; index++) {
      this.simulatePerson(index);
    }
  }

  private keep<T extends object>(rows: T[], duplicates: T[], row: T): void {
    rows.push(row);
    if (this.copies.float() < this.settings.duplicateRate) {
      duplicates.push({ ...row });
    }
  }

  private uniformTime(): number {
    return this.settings.from + Math.floor(this.rng.float() * this.span);
  }

  private simulatePerson(index: number): void {
    const rng = this.rng;
    const person: Person = {
      index,
      id: `p_${String(index).padStart(7, '0')}`,
      globalHoldout: rng.chance(GLOBAL_HOLDOUT_SHARE),
      activity: this.settings.activity * rng.logNormal(1, 0.5),
      inAudience: LIVE_TRIGGERS.map((trigger) => rng.chance(trigger.audienceShare)),
      triggers: LIVE_TRIGGERS.map(() => undefined),
      consent: new Map(),
      sentAt: [],
      successes: [],
      queue: [],
      cursor: -1,
    };
    this.simulateConsent(person);

    const days = this.settings.days;
    for (const spec of SIGNAL_SPECS) {
      // Everyone views at least one page, so every person appears in the signals.
      const count =
        rng.poisson(spec.dailyRate * days * person.activity) + (spec.type === 'page_view' ? 1 : 0);
      for (let n = 0; n < count; n++) {
        person.queue.push({ at: this.uniformTime(), type: spec.type });
      }
    }
    if (rng.chance(ACCOUNT_CREATED_SHARE)) {
      const createdAt = this.uniformTime();
      person.queue.push({ at: createdAt, type: 'account_created' });
      const openedAt = createdAt + Math.round(rng.logNormal(15 * MINUTE, 1));
      if (rng.chance(0.7) && openedAt < this.settings.to) {
        person.queue.push({ at: openedAt, type: 'first_app_open' });
      }
    }
    person.queue.sort((a, b) => a.at - b.at);

    const purchases = rng.poisson(BACKGROUND.purchasesPerDay * days * person.activity);
    for (let n = 0; n < purchases; n++) {
      this.success(person, 'purchase', this.uniformTime(), {
        regretShare: BACKGROUND.regretShare,
      });
    }
    const overwhelms = rng.poisson(BACKGROUND.overwhelmPerDay * days);
    for (let n = 0; n < overwhelms; n++) {
      this.outcome(person, rng.pick(OVERWHELM_TYPES), this.uniformTime());
    }

    for (person.cursor = 0; person.cursor < person.queue.length; person.cursor++) {
      this.processSignal(person, person.queue[person.cursor]);
    }
  }

  private simulateConsent(person: Person): void {
    const rng = this.rng;
    const { from, to } = this.settings;
    for (const [purpose, grantShare] of CONSENT_PURPOSES) {
      const events: ConsentEvent[] = [];
      const record = (
        occurredAt: number,
        granted: boolean,
        source: string,
        lagMs: number,
      ): void => {
        events.push({ occurredAt, recordedAt: occurredAt + Math.round(lagMs), granted, source });
      };
      if (rng.chance(grantShare)) {
        record(
          from - Math.round(rng.between(1, 400) * DAY),
          true,
          'signup_form',
          rng.logNormal(2 * SECOND, 1),
        );
        if (rng.chance(PLANTED_RATES.consentRevocation)) {
          const revokedAt = this.uniformTime();
          // Revocations synced from the ESP arrive hours late: sends in between are non-compliant.
          if (rng.chance(0.5)) {
            record(revokedAt, false, 'esp_sync', rng.logNormal(20 * HOUR, 0.8));
          } else {
            record(revokedAt, false, 'preference_center', rng.logNormal(30 * SECOND, 1));
          }
          const regrantedAt = revokedAt + Math.round(rng.exponential(5 * DAY));
          if (rng.chance(0.15) && regrantedAt < to) {
            record(regrantedAt, true, 'preference_center', rng.logNormal(30 * SECOND, 1));
          }
        }
      } else {
        if (rng.chance(0.3)) {
          record(
            from - Math.round(rng.between(1, 200) * DAY),
            false,
            'cmp',
            rng.logNormal(SECOND, 1),
          );
        }
        if (rng.chance(0.05)) {
          record(this.uniformTime(), true, 'preference_center', rng.logNormal(30 * SECOND, 1));
        }
      }
      for (const event of events) {
        this.keep(this.rows.consent, this.duplicates.consent, {
          event_id: `c_${++this.sequence.consent}`,
          person_id: person.id,
          purpose,
          granted: event.granted,
          occurred_at: this.iso(event.occurredAt),
          source: event.source,
          recorded_at: this.iso(event.recordedAt),
        });
      }
      person.consent.set(purpose, events);
    }
  }

  private processSignal(person: Person, pending: PendingSignal): void {
    const rng = this.rng;
    const spec = SIGNAL_BY_TYPE.get(pending.type) as SignalSpec;
    const eventId = `s_${++this.sequence.signal}`;
    const signal: SignalRow = {
      event_id: eventId,
      person_id: person.id,
      type: pending.type,
      occurred_at: this.iso(pending.at),
    };
    // Half the behavioral signals leave `kind` to its default.
    if (spec.kind !== 'behavioral' || rng.chance(0.5)) {
      signal.kind = spec.kind;
    }
    signal.source = spec.source;
    if (spec.source === 'web_sdk') {
      signal.session_id = `sess_${person.index.toString(36)}_${Math.floor(pending.at / (30 * MINUTE)).toString(36)}`;
    }
    const properties = this.signalProperties(pending.type);
    if (properties !== undefined) {
      signal.properties = properties;
    }
    if (spec.kind === 'predictive') {
      signal.computed_at = this.iso(pending.at - Math.round(rng.logNormal(6 * HOUR, 1.2)));
    }
    // The demo is loaded as a backfill: each signal says when the producer's pipeline collected
    // it, so that freshness reads the pipeline's lag, not the day of the load.
    const lag = spec.collectionLag;
    signal.collected_at = this.iso(
      pending.at + Math.round(this.collection.logNormal(lag.medianMs, lag.sigma)),
    );
    this.keep(this.rows.signals, this.duplicates.signals, signal);

    const triggerIndex = this.triggerBySignal.get(pending.type);
    if (triggerIndex === undefined || !person.inAudience[triggerIndex]) {
      return;
    }
    const trigger = LIVE_TRIGGERS[triggerIndex];
    if (rng.chance(trigger.fireProbability)) {
      this.fire(person, triggerIndex, eventId, pending.at);
    }
  }

  private signalProperties(type: string): SignalRow['properties'] {
    const rng = this.rng;
    switch (type) {
      case 'cart_abandoned':
        return {
          cart_value: Math.round(rng.logNormal(80, 0.6) * 100) / 100,
          items: 1 + rng.poisson(1.5),
        };
      case 'pricing_page_visit':
        return { plan_viewed: rng.pick(['starter', 'pro', 'enterprise']) };
      case 'product_viewed':
        return { sku: `sku_${Math.floor(rng.float() * 5_000)}` };
      case 'churn_risk_high':
      case 'high_intent_score':
        return { score: Math.round(rng.between(0.6, 1) * 1000) / 1000 };
      default:
        return undefined;
    }
  }

  private fire(person: Person, triggerIndex: number, signalId: string, signalAt: number): void {
    const rng = this.rng;
    const trigger = LIVE_TRIGGERS[triggerIndex];
    const definition = trigger.definition;
    const profile = CHANNEL_PROFILES[definition.channel];
    const decidedAt =
      signalAt +
      Math.max(1, Math.round(rng.logNormal(profile.decision.medianMs, profile.decision.sigma)));
    if (decidedAt >= this.settings.to) {
      return;
    }

    const { state, arm, variant } = this.assign(person, triggerIndex);
    const skipReason = this.decideSkip(person, trigger, profile, state, decidedAt);
    const sent = arm === 'treatment' && skipReason === undefined;

    const firingId = `f_${++this.sequence.firing}`;
    const firing: FiringRow = {
      firing_id: firingId,
      trigger_id: definition.trigger_id,
      person_id: person.id,
      decided_at: this.iso(decidedAt),
      arm,
      trigger_version: definition.version ?? 1,
      signal_event_id: signalId,
    };
    // Most producers copy the signal time; the rest leave it to the referenced signal.
    if (rng.chance(0.7)) {
      firing.signal_at = this.iso(signalAt);
    }
    firing.channel = definition.channel;
    if (definition.surface !== undefined) {
      firing.surface = definition.surface;
    }
    if (variant !== undefined) {
      firing.variant = variant;
    }
    const dispatchedAt = sent
      ? decidedAt + Math.round(rng.logNormal(profile.dispatch.medianMs, profile.dispatch.sigma))
      : undefined;
    if (dispatchedAt !== undefined) {
      firing.dispatched_at = this.iso(dispatchedAt);
    }
    if (skipReason !== undefined) {
      firing.skip_reason = skipReason;
    }
    this.keep(this.rows.firings, this.duplicates.firings, firing);

    // A share of persons converts anyway, whatever the arm: the baseline the holdout measures.
    const conversionWindow = definition.conversion_window_ms ?? 7 * DAY;
    const naturalAt = rng.chance(trigger.naturalConversion)
      ? decidedAt + Math.max(1, Math.round(rng.exponential(conversionWindow / 4)))
      : undefined;

    if (dispatchedAt === undefined) {
      if (naturalAt !== undefined) {
        this.success(person, trigger.successType, naturalAt, {
          regretShare: BACKGROUND.regretShare,
        });
      }
      return;
    }

    const recentSends = countWithin(person.sentAt, decidedAt - 7 * DAY, decidedAt);
    state.sentAt.push(decidedAt);
    person.sentAt.push(decidedAt);
    this.afterDispatch(person, trigger, {
      firingId,
      variant,
      dispatchedAt,
      naturalAt,
      recentSends,
    });
  }

  /** The arm of this firing: the person's first firing draws it, later ones keep it (mostly). */
  private assign(
    person: Person,
    triggerIndex: number,
  ): { state: TriggerState; arm: Arm; variant: string | undefined } {
    const rng = this.rng;
    const trigger = LIVE_TRIGGERS[triggerIndex];
    let state = person.triggers[triggerIndex];
    let arm: Arm;
    if (state === undefined) {
      arm = person.globalHoldout
        ? 'global_holdout'
        : rng.chance(this.holdoutProbability[triggerIndex])
          ? 'holdout'
          : 'treatment';
      const variant =
        arm === 'treatment' && trigger.variants.length > 0 ? rng.pick(trigger.variants) : undefined;
      state = { arm, variant, sentAt: [] };
      person.triggers[triggerIndex] = state;
    } else {
      arm = state.arm;
      // The planted assignment bug: a later firing lands in the other arm.
      if (arm !== 'global_holdout' && rng.chance(PLANTED_RATES.contamination)) {
        arm = arm === 'treatment' ? 'holdout' : 'treatment';
      }
    }
    const variant =
      arm === 'treatment' && trigger.variants.length > 0
        ? (state.variant ?? rng.pick(trigger.variants))
        : undefined;
    return { state, arm, variant };
  }

  /** What a dispatched firing leads to: exposures, caused conversions, overwhelm outcomes. */
  private afterDispatch(
    person: Person,
    trigger: DemoTrigger,
    sent: {
      firingId: string;
      variant: string | undefined;
      dispatchedAt: number;
      naturalAt: number | undefined;
      recentSends: number;
    },
  ): void {
    const rng = this.rng;
    const { firingId, variant, dispatchedAt, naturalAt, recentSends } = sent;
    const definition = trigger.definition;
    const profile = CHANNEL_PROFILES[definition.channel];
    const conversionWindow = definition.conversion_window_ms ?? 7 * DAY;
    const delivery = this.deliver(profile, dispatchedAt);
    // Converted in flight: the person buys before opening, and opens afterwards.
    if (
      naturalAt !== undefined &&
      delivery.openAt !== undefined &&
      naturalAt > dispatchedAt &&
      naturalAt >= delivery.openAt &&
      rng.chance(PLANTED_RATES.openAfterConversion)
    ) {
      const shift = naturalAt + Math.round(rng.between(5 * MINUTE, 6 * HOUR)) - delivery.openAt;
      delivery.openAt += shift;
      if (delivery.clickAt !== undefined) {
        delivery.clickAt += shift;
      }
    }
    this.exposures(firingId, profile, delivery, variant);

    if (naturalAt !== undefined) {
      this.success(person, trigger.successType, naturalAt, { regretShare: BACKGROUND.regretShare });
    }
    const uplift = trigger.uplift[variant ?? ''] ?? 0;
    if (delivery.firstAt !== undefined && uplift > 0 && rng.chance(uplift)) {
      const engagedAt = delivery.clickAt ?? delivery.openAt ?? delivery.firstAt;
      this.success(
        person,
        trigger.successType,
        engagedAt + Math.max(1, Math.round(rng.exponential(conversionWindow / 8))),
        { firingId, channel: definition.channel, regretShare: trigger.causedRegretShare },
      );
    }
    const overwhelmProbability =
      profile.overwhelm.base +
      profile.overwhelm.fatigue * recentSends * recentSends +
      trigger.extraOverwhelm;
    if (rng.chance(overwhelmProbability)) {
      const at = (delivery.firstAt ?? dispatchedAt) + Math.round(rng.exponential(12 * HOUR));
      this.outcome(person, rng.weighted(profile.overwhelm.types), at, {
        firing_id: firingId,
        channel: definition.channel,
      });
    }
  }

  private decideSkip(
    person: Person,
    trigger: DemoTrigger,
    profile: ChannelProfile,
    state: TriggerState,
    decidedAt: number,
  ): string | undefined {
    const rng = this.rng;
    const definition = trigger.definition;
    if (
      definition.consent_purpose !== undefined &&
      !systemSeesGrant(person.consent.get(definition.consent_purpose), decidedAt)
    ) {
      return 'consent';
    }
    const lookback = definition.suppression?.converted_lookback_ms ?? DAY;
    const convertedRecently = person.successes.some(
      (success) =>
        success.at >= decidedAt - lookback &&
        success.at < decidedAt &&
        definition.success_types.includes(success.type),
    );
    if (convertedRecently && !rng.chance(PLANTED_RATES.suppressionFailure)) {
      return 'suppressed';
    }
    const cap = definition.frequency_cap;
    if (
      cap !== undefined &&
      countWithin(state.sentAt, decidedAt - cap.per_ms, decidedAt) >= cap.max &&
      !rng.chance(PLANTED_RATES.capEnforcementFailure)
    ) {
      return 'frequency_cap';
    }
    const hour = Math.floor((decidedAt % DAY) / HOUR);
    if (profile.quietHours && (hour >= 22 || hour < 7) && rng.chance(0.3)) {
      return 'quiet_hours';
    }
    if (rng.chance(0.003)) {
      return 'error';
    }
    return undefined;
  }

  private deliver(profile: ChannelProfile, dispatchedAt: number): Delivery {
    const rng = this.rng;
    if (rng.chance(profile.lostShare)) {
      return {};
    }
    const latency = (medianMs: number, sigma: number): number =>
      Math.max(1, Math.round(rng.logNormal(medianMs, sigma)));
    if (rng.chance(profile.failure.share)) {
      return {
        failure: {
          type: profile.failure.type,
          at: dispatchedAt + latency(profile.delivery.medianMs, 0.5),
        },
      };
    }
    const slow = rng.chance(profile.delivery.slowShare);
    const firstAt =
      dispatchedAt +
      (slow
        ? latency(profile.delivery.slowMedianMs, 0.5)
        : latency(profile.delivery.medianMs, profile.delivery.sigma));
    const delivery: Delivery = { firstAt };
    if (profile.machineOpenShare > 0 && rng.chance(profile.machineOpenShare)) {
      delivery.machineOpenAt = firstAt + latency(20 * SECOND, 0.8);
    } else if (profile.open !== undefined && rng.chance(profile.open.share)) {
      delivery.openAt = firstAt + latency(profile.open.medianMs, profile.open.sigma);
    }
    const clickFrom = profile.open === undefined ? firstAt : delivery.openAt;
    if (clickFrom !== undefined && profile.clickShare > 0 && rng.chance(profile.clickShare)) {
      delivery.clickAt = clickFrom + latency(40 * SECOND, 1);
    }
    if (profile.dismissShare > 0 && rng.chance(profile.dismissShare)) {
      delivery.dismissAt = firstAt + latency(5 * SECOND, 1);
    }
    return delivery;
  }

  private exposures(
    firingId: string,
    profile: ChannelProfile,
    delivery: Delivery,
    variant: string | undefined,
  ): void {
    const events: { type: ExposureType; at: number; machine?: boolean }[] = [];
    if (delivery.failure !== undefined) {
      events.push(delivery.failure);
    }
    if (delivery.firstAt !== undefined) {
      events.push({ type: profile.firstExposure, at: delivery.firstAt });
    }
    if (delivery.machineOpenAt !== undefined) {
      events.push({ type: 'opened', at: delivery.machineOpenAt, machine: true });
    }
    if (delivery.openAt !== undefined && profile.open !== undefined) {
      events.push({ type: profile.open.type, at: delivery.openAt });
    }
    if (delivery.clickAt !== undefined) {
      events.push({ type: 'clicked', at: delivery.clickAt });
    }
    if (delivery.dismissAt !== undefined) {
      events.push({ type: 'dismissed', at: delivery.dismissAt });
    }
    events.sort((a, b) => a.at - b.at);
    for (const event of events) {
      const exposure: ExposureRow = {
        firing_id: firingId,
        type: event.type,
        occurred_at: this.iso(event.at),
        event_id: `x_${++this.sequence.exposure}`,
      };
      if (variant !== undefined && (event.type === 'rendered' || event.type === 'opened')) {
        exposure.rendered_variant = variant;
      }
      if (event.machine === true) {
        exposure.machine = true;
      }
      this.keep(this.rows.exposures, this.duplicates.exposures, exposure);
    }
  }

  /** A success outcome with an order, its possible refund, and the browsing it may lead to. */
  private success(person: Person, type: string, at: number, context: SuccessContext): void {
    const rng = this.rng;
    const orderId = `ord_${++this.sequence.order}`;
    const value = successValue(type, rng);
    this.outcome(person, type, at, {
      value,
      currency: 'EUR',
      order_id: orderId,
      ...(context.firingId !== undefined ? { firing_id: context.firingId } : {}),
      ...(context.channel !== undefined ? { channel: context.channel } : {}),
    });
    person.successes.push({ at, type });

    if (rng.chance(context.regretShare)) {
      const regretAt = at + HOUR + Math.round(rng.exponential(10 * DAY));
      const regretType = rng.weighted([
        ['return', 5],
        ['refund', 4],
        ['chargeback', 1],
      ] as const);
      // Returns often reuse the order id; refunds and chargebacks point at it.
      const reference =
        regretType === 'return' && rng.chance(0.5)
          ? { order_id: orderId }
          : { refund_of_order_id: orderId };
      this.outcome(person, regretType, regretAt, { value, currency: 'EUR', ...reference });
    }

    // Retargeting right after a purchase: the person browses again and arms a trigger.
    if (type === 'purchase' && rng.chance(PLANTED_RATES.revisitAfterPurchase)) {
      const revisitAt = at + Math.round(rng.between(30 * MINUTE, 20 * HOUR));
      if (revisitAt < this.settings.to) {
        this.enqueue(person, {
          at: revisitAt,
          type: rng.chance(0.5) ? 'cart_abandoned' : 'product_viewed',
        });
      }
    }
  }

  private outcome(
    person: Person,
    type: string,
    at: number,
    extra: Partial<Omit<OutcomeRow, 'outcome_id' | 'person_id' | 'type' | 'occurred_at'>> = {},
  ): void {
    this.keep(this.rows.outcomes, this.duplicates.outcomes, {
      outcome_id: `o_${++this.sequence.outcome}`,
      person_id: person.id,
      type,
      occurred_at: this.iso(at),
      ...extra,
    });
  }

  /** Inserts a signal after the one being processed, keeping the queue in time order. */
  private enqueue(person: Person, pending: PendingSignal): void {
    const queue = person.queue;
    let position = queue.length;
    while (position > person.cursor + 1 && queue[position - 1].at > pending.at) {
      position--;
    }
    queue.splice(position, 0, pending);
  }
}

/** Whether the system, which learns of consent changes only at `recorded_at`, sees a grant. */
function systemSeesGrant(events: ConsentEvent[] | undefined, at: number): boolean {
  let latest: ConsentEvent | undefined;
  for (const event of events ?? []) {
    if (event.recordedAt <= at && (latest === undefined || event.occurredAt >= latest.occurredAt)) {
      latest = event;
    }
  }
  return latest?.granted ?? false;
}

/** How many of `times` fall in (from, to). */
function countWithin(times: readonly number[], from: number, to: number): number {
  let count = 0;
  for (const time of times) {
    if (time > from && time < to) {
      count++;
    }
  }
  return count;
}
