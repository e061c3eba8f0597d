import { createHmac } from 'node:crypto';

// The check of ingested lines against erased persons, without Nest or storage: ingest's validation
// threads (libs/ingest/prepare.worker.ts) run it on the list PersonBlocklist read.

/** A line as ingest reads it: its text, and its parsed value when it was parsed. */
export interface LineToCheck {
  raw: string;
  value?: unknown;
}

/** The persons of one tenant that are refused on ingest, as a validation thread receives them. */
export interface ErasedPersons {
  tenantId: string;
  /** Their keyed hashes (see personIdHash). */
  hashes: readonly string[];
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

/** The person a line names, when it is a JSON object with a string person_id. */
function personIdOf(line: LineToCheck): string | undefined {
  let value = line.value;
  if (!('value' in line)) {
    try {
      value = JSON.parse(line.raw) as unknown;
    } catch {
      return undefined; // not JSON: validation refuses it and no person is named
    }
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const personId = (value as Record<string, unknown>).person_id;
  return typeof personId === 'string' ? personId : undefined;
}

/** Whether a line names one of `erased`: such a line is refused with reason `erased`. */
export function erasureCheck(erased: ErasedPersons): (line: LineToCheck) => boolean {
  const hashes = new Set(erased.hashes);
  return (line) => {
    const personId = personIdOf(line);
    return (
      personId !== undefined && hashes.has(personIdHash(erased.tenantId, personId, erased.pepper))
    );
  };
}

/**
 * An ingest batch as the queue keeps it (libs/ingest/ingest.job.ts): its storage rows as
 * JSONEachRow text (or, in a job queued by an earlier version, as objects) and its rejected lines.
 */
export interface QueuedBatch {
  tenantId: string;
  ndjson?: string;
  rows?: Record<string, unknown>[];
  rejects: { raw: string }[];
}

/** `batch` without its rows and rejected lines that `names` picks out, and how many those were. */
export function withoutLines<T extends QueuedBatch>(
  batch: T,
  names: (line: LineToCheck) => boolean,
): { batch: T; removed: number } {
  let removed = 0;
  const keep = (line: LineToCheck) => {
    const named = names(line);
    removed += named ? 1 : 0;
    return !named;
  };
  const kept: T = {
    ...batch,
    rejects: batch.rejects.filter((reject) => keep({ raw: reject.raw })),
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
