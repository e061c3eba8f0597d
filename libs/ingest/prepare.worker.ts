// A validation thread: reads requests' bodies and prepares their batches (parse-body.ts,
// prepare-batch.ts) off the API's thread. Validation is what an ingest request costs the API's
// thread most, so with it here the API's thread reads sockets and writes to the store meanwhile.
// This module loads no Nest and no store.
import { parentPort } from 'node:worker_threads';
import { ingestChecks } from '../lifecycle/erased-persons.js';
import { parseBodyBatches } from './parse-body.js';
import { prepareBatch } from './prepare-batch.js';
import {
  failureOf,
  type FromWorker,
  type JobContext,
  type ToWorker,
  type WorkerBatch,
} from './prepare-protocol.js';
import type { PreparedBatch } from './types.js';

/** The chunks of one request's body as they arrive, read by parseBodyBatches. */
class ChunkQueue implements AsyncIterable<Buffer> {
  private readonly chunks: Buffer[] = [];
  private ended = false;
  private aborted = false;
  private wake: (() => void) | undefined;

  constructor(private readonly onTaken: () => void) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  abort(): void {
    this.aborted = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.aborted) {
        throw new Error('request aborted');
      }
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.onTaken();
        yield chunk;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    }
  }
}

const port = parentPort;
if (port === null) {
  throw new Error('prepare.worker.js runs as a worker thread (see prepare-pool.ts)');
}
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

/** The batch as it crosses back: the kept rows' bytes transferred, not copied. */
function transferable(batch: PreparedBatch): { batch: WorkerBatch; transfer: ArrayBuffer[] } {
  const { ndjsonBytes } = batch;
  let bytes: Uint8Array = ndjsonBytes;
  // The writer's buffer is an ArrayBuffer of its own; copy anything else (a pooled slice).
  if (ndjsonBytes.byteOffset !== 0 || !(ndjsonBytes.buffer instanceof ArrayBuffer)) {
    bytes = new Uint8Array(ndjsonBytes);
  }
  const buffer = bytes.buffer as ArrayBuffer;
  return {
    batch: {
      stream: batch.stream,
      lines: batch.lines,
      accepted: batch.accepted,
      rejected: batch.rejected,
      duplicates: batch.duplicates,
      conflicts: batch.conflicts,
      errors: batch.errors,
      stored: batch.stored,
      rejects: batch.rejects,
      clamped: batch.clamped,
      skewCorrected: batch.skewCorrected,
      ignoredFields: batch.ignoredFields,
      ndjsonBuffer: buffer,
      ndjsonLength: ndjsonBytes.length,
    },
    transfer: [buffer],
  };
}

async function run(job: number, context: JobContext, chunks: ChunkQueue): Promise<void> {
  try {
    const lines = parseBodyBatches(chunks, { maxRows: context.limits.maxRows, parse: false });
    const prepared = await prepareBatch(context.stream, lines, {
      tenantId: context.tenantId,
      receivedAt: context.receivedAt,
      limits: context.limits,
      ...ingestChecks(context.erased),
    });
    const { batch, transfer } = transferable(prepared);
    post({ type: 'done', job, batch }, transfer);
  } catch (error) {
    post({ type: 'failed', job, failure: failureOf(error) });
  }
}

const jobs = new Map<number, ChunkQueue>();

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start': {
      const chunks = new ChunkQueue(() => post({ type: 'taken', job: message.job }));
      jobs.set(message.job, chunks);
      void run(message.job, message.context, chunks).finally(() => jobs.delete(message.job));
      return;
    }
    case 'chunk':
      jobs
        .get(message.job)
        ?.push(Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.length));
      return;
    case 'end':
      jobs.get(message.job)?.end();
      return;
    case 'abort':
      jobs.get(message.job)?.abort();
      return;
  }
});
