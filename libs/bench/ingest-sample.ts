import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateProgramStream, type DemoStream } from '../demo/index.js';
import { TIME_FIELD_NAMES } from '../ingest/index.js';
import { INGEST_BATCH_LINES, programOptions, type BenchPlan } from './plan.js';

/** One request body of the ingest comparison: up to 10,000 NDJSON lines of one stream. */
export interface IngestBatch {
  stream: DemoStream;
  lines: number;
  body: Buffer;
}

/** How the lines of a sample are written (see the writers below). */
export type SampleDialect = 'stringify' | 'python' | 'unknownField';

/**
 * The lines of the ingest comparison in one NDJSON file, batch after batch, and where each batch
 * lies in it. The API, the hand-written loader and the Parquet writer read the same file, each in
 * its own process, so each is given the same lines.
 */
export interface IngestSample {
  dialect: SampleDialect;
  path: string;
  batches: { stream: DemoStream; lines: number; bytes: number }[];
}

/** Writes all of `data` at the end of the file (a write may take less than it is given). */
function writeAll(fd: number, data: Buffer): number {
  let written = 0;
  while (written < data.length) {
    written += writeSync(fd, data, written);
  }
  return written;
}

/**
 * Closes a sample file once its bytes are on disk. Left to the kernel, the write-back of the
 * samples (about 1.4 GB) would fall in the first measurements and be charged to them.
 */
function closeOnDisk(fd: number): void {
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Waits until a file written by another hand (the engine's Parquet files) is on disk. */
export function syncToDisk(path: string): void {
  closeOnDisk(openSync(path, 'r'));
}

/** Lines of a sample, or of one of its streams. */
export function sampleRows(sample: IngestSample, stream?: DemoStream): number {
  return sample.batches
    .filter((batch) => stream === undefined || batch.stream === stream)
    .reduce((sum, batch) => sum + batch.lines, 0);
}

/**
 * The rows of the first `plan.ingestPersons` persons of the measured program (the generator is
 * sequential, so they are the same rows as in the store), with their duplicate copies, as
 * JSON.stringify writes them, in batches in the order a producer sends them: trigger definitions
 * first, then every stream as the generator yields it.
 */
export function writeStringifySample(plan: BenchPlan, path: string): IngestSample {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  const sample: IngestSample = { dialect: 'stringify', path, batches: [] };
  const pending = new Map<DemoStream, string[]>();
  const flush = (stream: DemoStream, lines: string[]) => {
    if (lines.length > 0) {
      const bytes = writeAll(fd, Buffer.from(`${lines.join('\n')}\n`));
      sample.batches.push({ stream, lines: lines.length, bytes });
    }
  };
  try {
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
  } finally {
    closeOnDisk(fd);
  }
  return sample;
}

/**
 * Python's own JSON: every line read with json.loads and written with json.dumps(row,
 * sort_keys=True) (keys sorted, `": "` and `", "` between tokens, non-ASCII as \uXXXX), the times
 * of the fields named on the command line as a Python producer writes a UTC datetime
 * (`isoformat()`: `+00:00`, microseconds unless zero).
 */
const PYTHON_SCRIPT = `
import json, sys
from datetime import datetime
TIME_FIELDS = set(sys.argv[1:])
def python(key, value):
    if key in TIME_FIELDS and isinstance(value, str) and value.endswith('Z'):
        return datetime.fromisoformat(value[:-1] + '+00:00').isoformat()
    return value
for line in sys.stdin:
    row = json.loads(line)
    sys.stdout.write(json.dumps({k: python(k, v) for k, v in row.items()}, sort_keys=True) + '\\n')
`;

/** Each batch's byte length in a file that holds `batches`' lines, one per line, in order. */
function batchBytes(text: Buffer, batches: IngestSample['batches']): IngestSample['batches'] {
  let at = 0;
  return batches.map(({ stream, lines }) => {
    const start = at;
    for (let n = 0; n < lines; n++) {
      at = text.indexOf(0x0a, at) + 1;
      if (at === 0) {
        throw new Error(`the sample has fewer lines than its batches (${stream})`);
      }
    }
    return { stream, lines, bytes: at - start };
  });
}

/**
 * The same lines as Python writes them, by python3 itself, so that nothing of ours shapes them; or
 * why not (no python3 on this machine).
 */
export function writePythonSample(
  source: IngestSample,
  path: string,
  python = 'python3',
): IngestSample | { missing: string } {
  const input = openSync(source.path, 'r');
  const output = openSync(path, 'w');
  let result;
  try {
    result = spawnSync(python, ['-c', PYTHON_SCRIPT, ...TIME_FIELD_NAMES], {
      stdio: [input, output, 'pipe'],
      maxBuffer: 1 << 20,
    });
  } finally {
    closeSync(input);
    closeOnDisk(output);
  }
  if (result.error !== undefined) {
    return { missing: `${python} could not be run (${result.error.message})` };
  }
  if (result.status !== 0) {
    throw new Error(`${python} failed (${result.status}): ${result.stderr.toString()}`);
  }
  return {
    dialect: 'python',
    path,
    batches: batchBytes(readFileSync(path), source.batches),
  };
}

/** The field every line of the unknown-field sample carries in front: no stream knows it. */
export const UNKNOWN_FIELD = 'campaign_hint';

/** The same lines, each with `"campaign_hint":"x"` as its first field. */
export function writeUnknownFieldSample(source: IngestSample, path: string): IngestSample {
  const text = readFileSync(source.path);
  const prefix = Buffer.from(`{"${UNKNOWN_FIELD}":"x",`);
  const fd = openSync(path, 'w');
  const sample: IngestSample = { dialect: 'unknownField', path, batches: [] };
  try {
    let at = 0;
    for (const { stream, lines, bytes } of source.batches) {
      const body = text.subarray(at, at + bytes);
      at += bytes;
      const pieces: Buffer[] = [];
      let start = 0;
      while (start < body.length) {
        const end = body.indexOf(0x0a, start) + 1;
        // every line is an object: its `{` becomes `{"campaign_hint":"x",`
        pieces.push(prefix, body.subarray(start + 1, end));
        start = end;
      }
      const written = writeAll(fd, Buffer.concat(pieces));
      sample.batches.push({ stream, lines, bytes: written });
    }
  } finally {
    closeOnDisk(fd);
  }
  return sample;
}

/** The batches of a sample as request bodies (views of one buffer, outside the JS heap). */
export function readSample(sample: IngestSample): IngestBatch[] {
  const text = readFileSync(sample.path);
  let at = 0;
  return sample.batches.map(({ stream, lines, bytes }) => {
    const body = text.subarray(at, at + bytes);
    at += bytes;
    return { stream, lines, body };
  });
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
