import { STREAMS, type StreamName } from './core.js';
import { registerDocumentedEnum } from '../graphql-fields/index.js';

/** GraphQL names for the streams: SIGNALS → "signals", ... */
export const StreamEnum = Object.fromEntries(STREAMS.map((s) => [s.toUpperCase(), s])) as Record<
  string,
  StreamName
>;
registerDocumentedEnum(
  StreamEnum,
  'Stream',
  'An input stream: signals, trigger definitions, firings, exposures, outcomes, consent.',
  {
    SIGNALS: 'Behavioral, identity and predictive events that can arm a trigger.',
    TRIGGERS: 'Trigger definitions, each version a row.',
    FIRINGS: "A trigger's decisions: treatment or holdout, sent or skipped, with their times.",
    EXPOSURES: 'What became of a sent firing: delivered, opened, clicked, ...',
    OUTCOMES: 'Conversions, purchases and harms (unsubscribes, complaints, ...).',
    CONSENT: "Changes of a person's consent, by purpose and channel.",
  },
);
