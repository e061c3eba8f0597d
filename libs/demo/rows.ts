// The input rows of docs/design.md §2 (declared once, in libs/ingest), as the demo sends them: timestamps
// as ISO-8601 strings in UTC ending in 'Z', money as numbers. No `sent_at`: demo data is a
// backfill, so its times are kept as given.
import type {
  ConsentRow,
  ExposureRow,
  FiringRow,
  OutcomeRow as InputOutcomeRow,
  SignalRow,
  TriggerRow as InputTriggerRow,
} from '../ingest/index.js';

/**
 * A definition as the demo writes it: the stream lets a draft leave out its channel, signals,
 * window and success types, and every demo definition names them.
 */
export type TriggerRow = Omit<
  InputTriggerRow,
  'channel' | 'signal_types' | 'window_ms' | 'success_types'
> & { channel: string; signal_types: string[]; window_ms: number; success_types: string[] };

export type {
  Arm,
  ConsentRow,
  ExposureRow,
  ExposureType,
  FiringRow,
  IsoTimestamp,
  SignalKind,
  SignalRow,
  TriggerStatus,
} from '../ingest/index.js';

/** The six input streams, in the order the demo writes them (definitions first). */
export const DEMO_STREAMS = [
  'triggers',
  'signals',
  'firings',
  'exposures',
  'outcomes',
  'consent',
] as const;

/** One of {@link DEMO_STREAMS}. */
export type DemoStream = (typeof DEMO_STREAMS)[number];

/** A row of the `outcomes` stream, its money a number. */
export interface OutcomeRow extends InputOutcomeRow {
  value?: number;
}

/** Rows of every stream. */
export interface ProgramRows {
  triggers: TriggerRow[];
  signals: SignalRow[];
  firings: FiringRow[];
  exposures: ExposureRow[];
  outcomes: OutcomeRow[];
  consent: ConsentRow[];
}

/** Raw NDJSON lines per stream. */
export type LinesByStream = Record<DemoStream, string[]>;

/** A half-open measurement period `[from, to)`. */
export interface Period {
  from: Date;
  to: Date;
}

/** Empty rows for every stream. */
export function emptyRows(): ProgramRows {
  return { triggers: [], signals: [], firings: [], exposures: [], outcomes: [], consent: [] };
}

/**
 * The identity of a row as docs/design.md §5 deduplicates it: the stream's id field, or, for the streams
 * where the id is optional, the fields the storage layer derives it from.
 */
export function rowIdentity(stream: DemoStream, row: ProgramRows[DemoStream][number]): string {
  switch (stream) {
    case 'triggers': {
      const trigger = row as TriggerRow;
      return `${trigger.trigger_id}@${trigger.version ?? 0}`;
    }
    case 'signals':
      return (row as SignalRow).event_id;
    case 'firings':
      return (row as FiringRow).firing_id;
    case 'exposures': {
      const exposure = row as ExposureRow;
      return exposure.event_id ?? `${exposure.firing_id}|${exposure.type}|${exposure.occurred_at}`;
    }
    case 'outcomes':
      return (row as OutcomeRow).outcome_id;
    case 'consent': {
      const consent = row as ConsentRow;
      return (
        consent.event_id ??
        `${consent.person_id}|${consent.purpose}|${consent.granted}|${consent.occurred_at}|${consent.source ?? ''}`
      );
    }
  }
}
