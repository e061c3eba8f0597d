import { createHash } from 'node:crypto';

// SHA-256 is used for its stability across processes, versions and languages (a producer or a
// repair script can recompute a derived id), not for secrecy.

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * A UInt64 fingerprint of flat row content, as decimal text: the first 8 bytes of the SHA-256 of
 * the content serialized with sorted keys. Used to tell a retried copy from a conflicting one.
 */
export function contentHashOf(content: Record<string, unknown>): string {
  const canonical = JSON.stringify(
    Object.keys(content)
      .sort()
      .map((key) => [key, content[key]]),
  );
  return sha256(canonical).readBigUInt64BE(0).toString();
}

/**
 * A deterministic id for a row that came without one, so an exact re-delivery collapses onto the
 * same row: `derived:` + the first 32 hex digits (128 bits) of the SHA-256 of the stream name and
 * the identifying values. 128 bits rather than 64 because a collision would silently merge two
 * different events; the prefix keeps derived ids apart from any a producer sends.
 */
export function derivedId(stream: string, parts: readonly (string | number | boolean)[]): string {
  return `derived:${sha256(JSON.stringify([stream, ...parts]))
    .toString('hex')
    .slice(0, 32)}`;
}
