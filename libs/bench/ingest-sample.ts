import { generateProgramStream, type DemoStream } from '../demo/index.js';
import { INGEST_BATCH_LINES, programOptions, type BenchPlan } from './plan.js';

/** One request body of the ingest comparison: up to 10,000 NDJSON lines of one stream. */
export interface IngestBatch {
  stream: DemoStream;
  lines: number;
  body: Buffer;
}

/**
 * The rows of the first `plan.ingestPersons` persons of the measured program (the generator is
 * sequential, so they are the same rows as in the store), with their duplicate copies, as NDJSON
 * batches in the order a producer sends them: trigger definitions first, then every stream as the
 * generator yields it. Built before the clock starts; the bodies live outside the JS heap.
 */
export function ingestBatches(plan: BenchPlan): IngestBatch[] {
  const batches: IngestBatch[] = [];
  const pending = new Map<DemoStream, string[]>();
  const flush = (stream: DemoStream, lines: string[]) => {
    if (lines.length > 0) {
      batches.push({ stream, lines: lines.length, body: Buffer.from(`${lines.join('\n')}\n`) });
    }
  };
  for (const chunk of generateProgramStream({
    ...programOptions(plan, plan.ingestPersons),
    chunkPersons: 5000,
  })) {
    const lines = pending.get(chunk.stream) ?? [];
    for (const row of [...chunk.rows, ...chunk.duplicates]) {
      lines.push(JSON.stringify(row));
      if (lines.length === INGEST_BATCH_LINES) {
        flush(chunk.stream, lines.splice(0));
      }
    }
    pending.set(chunk.stream, lines);
    if (chunk.stream === 'triggers') {
      flush('triggers', lines.splice(0));
    }
  }
  for (const [stream, lines] of pending) {
    flush(stream, lines);
  }
  return batches;
}

/** Runs `work` over `items` with `concurrency` workers taking the next item in order. */
export async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
