import { hash } from 'node:crypto';

// SHA-256 is used for its stability across processes, versions and languages (a producer or a
// repair script can recompute a derived id), not for secrecy. The one-shot `hash` avoids a Hash
// object per row, and a hex digest avoids a Buffer per row (about half the cost of a short hash).

function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** The first 8 bytes of the SHA-256 of `text`, as the decimal text of a UInt64. */
export function contentHashOfText(text: string): string {
  return BigInt(`0x${sha256Hex(text).slice(0, 16)}`).toString();
}

/**
 * A UInt64 fingerprint of row content, as decimal text: the first 8 bytes of the SHA-256 of
 * `JSON.stringify([[column, value], ...])` with the columns in sorted order. Used to tell a
 * retried copy of an id from a conflicting one.
 */
export function contentHashOf(sortedEntries: readonly (readonly [string, unknown])[]): string {
  return contentHashOfText(JSON.stringify(sortedEntries));
}

// The `[["column",` openings of a column list, computed once per list.
const openings = new WeakMap<readonly string[], string[]>();

/** The `[["column",` openings of `columns`, the first without a leading comma. */
function columnOpenings(columns: readonly string[]): string[] {
  let opening = openings.get(columns);
  if (opening === undefined) {
    opening = columns.map((column, i) => `${i === 0 ? '' : ','}[${JSON.stringify(column)},`);
    openings.set(columns, opening);
  }
  return opening;
}

/**
 * {@link contentHashOf} of `[[column, value], ...]` for `columns` (sorted), taking each value from
 * `override` when it has the column, else from `row`: the same text hashed, written out directly
 * instead of through an array of pairs per row (ingest hashes every row it accepts).
 */
export function contentHashOfColumns(
  columns: readonly string[],
  row: Readonly<Record<string, unknown>>,
  override?: Readonly<Record<string, unknown>>,
): string {
  const opening = columnOpenings(columns);
  let text = '[';
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i];
    const value = override !== undefined && column in override ? override[column] : row[column];
    // Inside an array JSON.stringify writes undefined as null.
    text += `${opening[i]}${value === undefined ? 'null' : JSON.stringify(value)}]`;
  }
  return contentHashOfText(`${text}]`);
}

/**
 * A deterministic id for a row that came without one, so an exact re-delivery collapses onto the
 * same row: `derived:` + the first 32 hex digits (128 bits) of the SHA-256 of
 * `JSON.stringify([stream, ...parts])`. 128 bits rather than 64 because a collision would silently
 * merge two different events; the prefix keeps derived ids apart from any a producer sends.
 */
export function derivedId(stream: string, parts: readonly (string | number | boolean)[]): string {
  return `derived:${sha256Hex(JSON.stringify([stream, ...parts])).slice(0, 32)}`;
}
