import { STREAM_DECLARATIONS } from './streams/index.js';

/** One input stream of docs/design.md §2 (see streams/ for each one's declaration). */
export type StreamName = keyof typeof STREAM_DECLARATIONS;

/** The input streams of docs/design.md §2, in the order the document lists them. */
export const STREAMS = Object.keys(STREAM_DECLARATIONS) as readonly StreamName[];

const streamSet: ReadonlySet<string> = new Set(STREAMS);

/** Narrows a stream name taken from a URL, argument or job payload. */
export function isStream(s: string): s is StreamName {
  return streamSet.has(s);
}

/**
 * The ClickHouse table each stream is stored in. The names are equal today; the map exists so a
 * table can move to a `_v2` (STYLE: never alter a sorting key in place) without renaming a stream.
 */
export const tableOf = Object.fromEntries(
  STREAMS.map((stream) => [stream, STREAM_DECLARATIONS[stream].table]),
) as Record<StreamName, string>;
