import { createHmac } from 'node:crypto';

// The check of ingested lines against erased persons, without Nest or storage: ingest's validation
// threads (libs/ingest/prepare.worker.ts) run it on the list PersonBlocklist read.

/** A line as ingest reads it: its text, and its parsed value when it was parsed. */
export interface LineToCheck {
  raw: string;
  value?: unknown;
}

/**
 * The persons of one tenant that are refused on ingest, and their firings (an exposure names a
 * firing, not a person), as a validation thread receives them.
 */
export interface ErasedPersons {
  tenantId: string;
  /** Their keyed hashes (see personIdHash). */
  hashes: readonly string[];
  /** The keyed hashes of their firings' ids, made alike. */
  firingHashes: readonly string[];
  /** The server's pepper, with which a line's person is hashed to be compared. */
  pepper: string;
}

/**
 * The keyed hash an erased person is known by: HMAC-SHA-256 with the server's pepper over the
 * tenant and the id. Without the pepper the hash cannot be tested against guessed ids; with it,
 * a row naming the person again is recognised.
 */
export function personIdHash(tenantId: string, personId: string, pepper: string): string {
  return createHmac('sha256', pepper).update(`${tenantId}\n${personId}`).digest('hex');
}

/** The field of a line that names an erased person: their id, or one of their firings. */
export type ErasedField = 'person_id' | 'firing_id';

/** A line's JSON object, when it is one. */
function objectOf(line: LineToCheck): Record<string, unknown> | undefined {
  let value = line.value;
  if (!('value' in line)) {
    try {
      value = JSON.parse(line.raw) as unknown;
    } catch {
      return undefined; // not JSON: validation refuses it and no person is named
    }
  }
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The field by which a line names one of `erased`, if it does: its person_id, or, in a line
 * naming no person (an exposure), its firing_id. Such a line is refused with reason `erased`.
 */
export function erasureCheck(
  erased: ErasedPersons,
): (line: LineToCheck) => ErasedField | undefined {
  const hashes = new Set(erased.hashes);
  const firingHashes = new Set(erased.firingHashes);
  const hashOf = (id: string) => personIdHash(erased.tenantId, id, erased.pepper);
  return (line) => {
    const value = objectOf(line);
    const personId = value?.person_id;
    if (typeof personId === 'string') {
      return hashes.has(hashOf(personId)) ? 'person_id' : undefined;
    }
    const firingId = value?.firing_id;
    return firingHashes.size > 0 &&
      typeof firingId === 'string' &&
      firingHashes.has(hashOf(firingId))
      ? 'firing_id'
      : undefined;
  };
}

/**
 * Whether `raw`, the text of a line refused for another reason, names one of `erased` or their
 * firings anywhere (one of its words, see wordsOf): an id that is no string, a line cut short. Its
 * text would name the person again in `rejected_events`, so it is kept without it. Only refused
 * lines are read so (each word hashed), never the lines that are stored.
 */
export function rawNamesErased(erased: ErasedPersons): (raw: string) => boolean {
  const hashes = new Set([...erased.hashes, ...erased.firingHashes]);
  return (raw) =>
    [...new Set(wordsOf(raw))].some((word) =>
      hashes.has(personIdHash(erased.tenantId, word, erased.pepper)),
    );
}

/**
 * The checks of a tenant's ingested lines against its erased persons (ValidationContext in
 * libs/ingest/types.ts), none when no one is erased.
 */
export function ingestChecks(erased: ErasedPersons | undefined): {
  namesErasedPerson?: (line: LineToCheck) => ErasedField | undefined;
  rawNamesErased?: (raw: string) => boolean;
} {
  return erased === undefined
    ? {}
    : { namesErasedPerson: erasureCheck(erased), rawNamesErased: rawNamesErased(erased) };
}

/** The characters that end a token (the class's body): ASCII but letters, digits and `_.:@-`. */
export const NON_TOKEN_CHARS = String.raw`\x00-\x2c\x2f\x3b-\x3f\x5b-\x5e\x60\x7b-\x7f`;
/** A token: ASCII letters and digits, `_.:@-`, and any character beyond ASCII, as many as run. */
export const TOKEN_PATTERN = `[^${NON_TOKEN_CHARS}]+`;
/** A JSON string with its quotes, escapes and all. */
export const JSON_STRING_PATTERN = String.raw`"(?:[^"\\]|\\.)*"`;
/** A number as a JSON member's value (`"firing_id": 123`, which ingest refuses): the number. */
export const JSON_NUMBER_PATTERN = String.raw`:\s*(-?[0-9][0-9.eE+-]*)`;

/**
 * The words of a line that may be ids: its tokens as sent, each JSON string in it (keys too)
 * decoded, whole and by its tokens, and each number that is a JSON member's value. Lines cut short or not JSON at all have words too. An erasure
 * reads the rejected lines it stores alike (erasure.service.ts), and the lines of queued jobs here.
 */
export function wordsOf(raw: string): string[] {
  const tokens = (text: string) => text.match(new RegExp(TOKEN_PATTERN, 'g')) ?? [];
  const strings = (raw.match(new RegExp(JSON_STRING_PATTERN, 'g')) ?? []).flatMap((quoted) => {
    try {
      const text = JSON.parse(quoted) as string;
      return [text, ...tokens(text)];
    } catch {
      return []; // an escape JSON does not know
    }
  });
  const numbers = [...raw.matchAll(new RegExp(JSON_NUMBER_PATTERN, 'g'))].map((m) => m[1] ?? '');
  return [...tokens(raw), ...strings, ...numbers];
}

/**
 * An ingest batch as the queue keeps it (libs/ingest/ingest.job.ts): its storage rows as
 * JSONEachRow text (or, in a job queued by an earlier version, as objects) and its rejected lines.
 */
export interface QueuedBatch {
  tenantId: string;
  stream?: string;
  ndjson?: string;
  rows?: Record<string, unknown>[];
  rejects: { raw: string }[];
}

/**
 * Whether a storage row (an accepted line, as the queue keeps it) is one of the person's, as the
 * erasure takes stored rows: its person_id is theirs, or, in a row naming no person (an
 * exposure), its firing_id is one of their firings. A row of another person that merely holds the
 * id as a word (in its properties, as a variant) is theirs, as it is once stored.
 */
export function rowOfPerson(
  personId: string,
  firingIds: ReadonlySet<string>,
): (line: LineToCheck) => boolean {
  return (line) => {
    const value = objectOf(line);
    const rowPerson = value?.person_id;
    if (typeof rowPerson === 'string') {
      return rowPerson === personId;
    }
    const firingId = value?.firing_id;
    return typeof firingId === 'string' && firingIds.has(firingId);
  };
}

/**
 * Whether a storage row is a version of a row an erasure deleted with every version of it (its
 * latest version named the person), no later than the latest it deleted: `latest` holds, by the
 * row's id (its `idColumn`), that version's received_at. A version queued before it (a failed
 * batch retried after the erasure) would make the row again the earlier person's, whom the
 * producer corrected away; a later one (sent again for someone else) is a row of theirs. Both
 * times are DateTime64(3) text in UTC, as storage rows and the engine write them, and compare as
 * text.
 */
export function versionOfErasedRow(
  idColumn: string,
  latest: ReadonlyMap<string, string>,
): (line: LineToCheck) => boolean {
  return (line) => {
    const value = objectOf(line);
    const id = value?.[idColumn];
    const receivedAt = value?.received_at;
    const erasedAt = typeof id === 'string' ? latest.get(id) : undefined;
    return erasedAt !== undefined && typeof receivedAt === 'string' && receivedAt <= erasedAt;
  };
}

/**
 * `batch` without its rows and rejected lines that `names` picks out (the rejected lines by
 * `namesReject` when given), and how many those were.
 */
export function withoutLines<T extends QueuedBatch>(
  batch: T,
  names: (line: LineToCheck) => boolean,
  namesReject: (line: LineToCheck) => boolean = names,
): { batch: T; removed: number } {
  let removed = 0;
  const keep = (line: LineToCheck, picks = names) => {
    const named = picks(line);
    removed += named ? 1 : 0;
    return !named;
  };
  const kept: T = {
    ...batch,
    rejects: batch.rejects.filter((reject) => keep({ raw: reject.raw }, namesReject)),
  };
  if (batch.ndjson !== undefined) {
    kept.ndjson = batch.ndjson
      .split('\n')
      .filter((raw) => raw.length === 0 || keep({ raw }))
      .join('\n');
  }
  if (batch.rows !== undefined) {
    kept.rows = batch.rows.filter((row) => keep({ raw: JSON.stringify(row), value: row }));
  }
  return { batch: kept, removed };
}
