import { hash } from 'node:crypto';

// SHA-256 is used for its stability across processes, versions and languages (a producer or a
// repair script can recompute a derived id), not for secrecy. The one-shot `hash` avoids a Hash
// object per row.

function sha256(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/**
 * A UInt64 fingerprint of row content, as decimal text: the first 8 bytes of the SHA-256 of
 * `JSON.stringify([[column, value], ...])` with the columns in sorted order. Used to tell a
 * retried copy of an id from a conflicting one.
 */
export function contentHashOf(sortedEntries: readonly (readonly [string, unknown])[]): string {
  return sha256(JSON.stringify(sortedEntries)).readBigUInt64BE(0).toString();
}

/**
 * A deterministic id for a row that came without one, so an exact re-delivery collapses onto the
 * same row: `derived:` + the first 32 hex digits (128 bits) of the SHA-256 of
 * `JSON.stringify([stream, ...parts])`. 128 bits rather than 64 because a collision would silently
 * merge two different events; the prefix keeps derived ids apart from any a producer sends.
 */
export function derivedId(stream: string, parts: readonly (string | number | boolean)[]): string {
  return `derived:${sha256(JSON.stringify([stream, ...parts]))
    .toString('hex')
    .slice(0, 32)}`;
}
