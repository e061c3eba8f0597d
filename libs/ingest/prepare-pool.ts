import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  errorOf,
  type FromWorker,
  type JobContext,
  type ToWorker,
  type WorkerBatch,
} from './prepare-protocol.js';
import type { PreparedBatch } from './types.js';

/** The validation thread's script, built next to this module (dist/libs/ingest/). */
export const PREPARE_WORKER_SCRIPT = new URL('./prepare.worker.js', import.meta.url);

/**
 * Chunks of one request sent to its thread and not yet taken. A body chunk is at most 64 KiB, so
 * a request holds at most this many of them in the thread's queue: the socket is read no faster
 * than its lines are validated, as when they were validated on the API's thread.
 */
const CHUNKS_AHEAD = 4;

/** One request in a validation thread. */
class Job {
  private taken = 0;
  private wake: (() => void) | undefined;
  settled = false;
  failure: Error | undefined;
  readonly result: Promise<PreparedBatch>;
  private resolveResult!: (batch: PreparedBatch) => void;
  private rejectResult!: (error: Error) => void;

  constructor() {
    this.result = new Promise<PreparedBatch>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // Read by prepare() once the body is sent; an early failure must not count as unhandled.
    this.result.catch(() => undefined);
  }

  onTaken(): void {
    this.taken++;
    this.notify();
  }

  /** Until the thread took chunk number `sent − CHUNKS_AHEAD`, or the job settled. */
  async room(sent: number): Promise<void> {
    while (!this.settled && this.taken < sent - CHUNKS_AHEAD) {
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  succeed(batch: PreparedBatch): void {
    this.settled = true;
    this.resolveResult(batch);
    this.notify();
  }

  fail(error: Error): void {
    this.settled = true;
    this.failure = error;
    this.rejectResult(error);
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** A validation thread and the requests it is reading. */
interface Thread {
  worker: Worker;
  jobs: Map<number, Job>;
}

function batchOf(batch: WorkerBatch): PreparedBatch {
  const { ndjsonBuffer, ndjsonLength, ...rest } = batch;
  const ndjsonBytes = Buffer.from(ndjsonBuffer, 0, ndjsonLength);
  return {
    ...rest,
    ndjsonBytes,
    get ndjson() {
      return ndjsonBytes.toString('utf8');
    },
  };
}

/**
 * Validation threads for request bodies (prepare.worker.ts): each request's body is read on the
 * API's thread and its lines validated on one of `size` threads, the least busy, with the same
 * code and the same answer as prepareBatch on the API's thread. A thread that stops fails the
 * requests it held (nothing of them is stored) and is replaced by the next request.
 */
export class PreparePool {
  private readonly threads: (Thread | undefined)[];
  private nextJob = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly script: URL = PREPARE_WORKER_SCRIPT,
  ) {
    if (!existsSync(fileURLToPath(script))) {
      throw new Error(
        `the ingest validation thread's script ${fileURLToPath(script)} is missing: run the built code (npm run build), or set INGEST_WORKERS=0`,
      );
    }
    this.threads = Array.from({ length: size }, () => undefined);
  }

  /** Validates a body in a thread: the batch prepareBatch would make of parseBodyBatches(body). */
  async prepare(context: JobContext, body: AsyncIterable<Buffer>): Promise<PreparedBatch> {
    if (this.closed) {
      throw new Error('the ingest validation threads are stopped');
    }
    const thread = this.leastBusy();
    const id = ++this.nextJob;
    const job = new Job();
    thread.jobs.set(id, job);
    const send = (message: ToWorker, transfer: ArrayBuffer[] = []) =>
      thread.worker.postMessage(message, transfer);
    send({ type: 'start', job: id, context });
    try {
      let sent = 0;
      for await (const chunk of body) {
        // A copy in an ArrayBuffer of its own, moved to the thread (a chunk may share its memory).
        const copy = new Uint8Array(chunk);
        send({ type: 'chunk', job: id, chunk: copy }, [copy.buffer]);
        await job.room(++sent);
        if (job.failure !== undefined) {
          // Refused before the body ended (the row limit): the rest is not read.
          throw job.failure;
        }
      }
    } catch (error) {
      if (!job.settled) {
        send({ type: 'abort', job: id });
      }
      thread.jobs.delete(id);
      throw error;
    }
    send({ type: 'end', job: id });
    try {
      return await job.result;
    } finally {
      thread.jobs.delete(id);
    }
  }

  /** Stops the threads; requests they still held fail. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.threads.map(async (thread, i) => {
        this.threads[i] = undefined;
        if (thread !== undefined) {
          this.failAll(thread, new Error('the ingest validation threads are stopped'));
          await thread.worker.terminate();
        }
      }),
    );
  }

  private leastBusy(): Thread {
    let best = 0;
    for (let i = 0; i < this.threads.length; i++) {
      const thread = this.threads[i];
      if (thread === undefined) {
        return this.start(i);
      }
      if (thread.jobs.size < this.threads[best]!.jobs.size) {
        best = i;
      }
    }
    return this.threads[best]!;
  }

  private start(i: number): Thread {
    const worker = new Worker(this.script);
    // The API's server keeps the process alive; an idle thread should not.
    worker.unref();
    const thread: Thread = { worker, jobs: new Map() };
    worker.on('message', (message: FromWorker) => {
      const job = thread.jobs.get(message.job);
      if (job === undefined) {
        return; // a request given up (its body failed), answered by the thread anyway
      }
      if (message.type === 'taken') {
        job.onTaken();
      } else if (message.type === 'done') {
        job.succeed(batchOf(message.batch));
      } else {
        job.fail(errorOf(message.failure));
      }
    });
    const stopped = (reason: string) => {
      if (this.threads[i] === thread) {
        this.threads[i] = undefined;
      }
      this.failAll(thread, new Error(`an ingest validation thread stopped: ${reason}`));
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    this.threads[i] = thread;
    return thread;
  }

  private failAll(thread: Thread, error: Error): void {
    for (const job of thread.jobs.values()) {
      job.fail(error);
    }
    thread.jobs.clear();
  }
}

/**
 * How many validation threads a setting of INGEST_WORKERS asks for. `auto` is one fewer than the
 * cores, at least 2 and at most 4, or none when the script is not built, as when tests run the
 * TypeScript sources: the built API always has it. At least 2, because one thread stalls the whole
 * request stream while its garbage collector runs: on 2 cores, 2 threads read 7–21% more rows
 * per second than 1 in 6 alternating pairs, and 3 fewer than 2. A number asks for exactly that many
 * (the pool refuses to start without its script).
 */
export function validationThreads(
  setting: 'auto' | number,
  cores: number,
  script: URL = PREPARE_WORKER_SCRIPT,
): number {
  if (setting !== 'auto') {
    return setting;
  }
  return existsSync(fileURLToPath(script)) ? Math.min(4, Math.max(2, cores - 1)) : 0;
}
