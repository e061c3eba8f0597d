import type { ErasedPersons } from '../lifecycle/erased-persons.js';
import { IngestLimitError } from './limit-error.js';
import type { StreamName } from './streams.js';
import type { IngestLimits, PreparedBatch } from './types.js';

// The messages between the API's thread and a validation thread (prepare-pool.ts, prepare.worker.ts).
// A request is one job: `start`, its body's chunks in order, then `end` (or `abort`). The thread
// answers `taken` as it takes each chunk, so that no more than a few chunks of a request wait in
// its queue (the socket is read no faster than the lines are validated), then `done` or `failed`.

/** What a validation thread needs of a request besides its body. */
export interface JobContext {
  stream: StreamName;
  tenantId: string;
  receivedAt: number;
  limits: IngestLimits;
  /** The tenant's erased persons, when there are any. */
  erased?: ErasedPersons;
}

export type ToWorker =
  | { type: 'start'; job: number; context: JobContext }
  | { type: 'chunk'; job: number; chunk: Uint8Array }
  | { type: 'end'; job: number }
  | { type: 'abort'; job: number };

/** A prepared batch as it crosses threads: its kept rows as transferred bytes, no getter. */
export type WorkerBatch = Omit<PreparedBatch, 'ndjson' | 'ndjsonBytes'> & {
  ndjsonBuffer: ArrayBuffer;
  ndjsonLength: number;
};

/** Why a job failed: a whole-request limit (rebuilt as IngestLimitError) or another error. */
export type JobFailure =
  { kind: 'limit'; limit: 'rows' | 'body'; max: number } | { kind: 'error'; message: string };

export type FromWorker =
  | { type: 'taken'; job: number }
  | { type: 'done'; job: number; batch: WorkerBatch }
  | { type: 'failed'; job: number; failure: JobFailure };

/** A failed job's error as it crosses threads. */
export function failureOf(error: unknown): JobFailure {
  if (error instanceof IngestLimitError) {
    return { kind: 'limit', limit: error.limit, max: error.max };
  }
  return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** The error a failure stands for, as the API's thread throws it. */
export function errorOf(failure: JobFailure): Error {
  return failure.kind === 'limit'
    ? new IngestLimitError(failure.limit, failure.max)
    : new Error(failure.message);
}
