/** The input streams of DESIGN §2, in the order the document lists them. */
export const STREAMS = [
  'signals',
  'triggers',
  'firings',
  'exposures',
  'outcomes',
  'consent',
] as const;

/** One of {@link STREAMS}. */
export type StreamName = (typeof STREAMS)[number];

const streamSet: ReadonlySet<string> = new Set(STREAMS);

/** Narrows a stream name taken from a URL, argument or job payload. */
export function isStream(s: string): s is StreamName {
  return streamSet.has(s);
}

/**
 * The ClickHouse table each stream is stored in. The names are equal today; the map exists so a
 * table can move to a `_v2` (STYLE: never alter a sorting key in place) without renaming a stream.
 */
export const tableOf: Record<StreamName, string> = {
  signals: 'signals',
  triggers: 'triggers',
  firings: 'firings',
  exposures: 'exposures',
  outcomes: 'outcomes',
  consent: 'consent',
};
