// The input rows of docs/design.md §2 (declared once, in libs/ingest) as an importer sends them:
// timestamps as ISO-8601 UTC text ending in 'Z', money as decimal text (exactly as the source file
// wrote it). No `sent_at`: imports are backfills, so their event times are kept as given (docs/design.md
// section 5).
import type { InputRows, OutcomeRow } from '../ingest/index.js';

/** The input streams in the order an importer uploads them: the definition first. */
export const IMPORT_STREAMS = [
  'triggers',
  'consent',
  'signals',
  'firings',
  'exposures',
  'outcomes',
] as const;

/** One of {@link IMPORT_STREAMS}. */
export type ImportStream = (typeof IMPORT_STREAMS)[number];

/** A row of the `outcomes` stream, its money decimal text, e.g. `"29.99"`. */
export interface ImportedOutcomeRow extends Omit<OutcomeRow, 'value'> {
  value?: string;
}

/** The row type of each stream as an importer sends it. */
export interface ImportRows extends Omit<InputRows, 'outcomes'> {
  outcomes: ImportedOutcomeRow;
}
