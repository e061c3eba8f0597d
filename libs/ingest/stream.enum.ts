import { registerEnumType } from '@nestjs/graphql';
import { STREAMS, type StreamName } from './core.js';

/** GraphQL names for the streams: SIGNALS → "signals", ... */
export const StreamEnum = Object.fromEntries(STREAMS.map((s) => [s.toUpperCase(), s])) as Record<
  string,
  StreamName
>;
registerEnumType(StreamEnum, {
  name: 'Stream',
  description:
    'An input stream: signals, trigger definitions, firings, exposures, outcomes, consent.',
});
