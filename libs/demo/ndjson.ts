import type { GeneratedProgram } from './generate.js';
import { Random } from './random.js';
import { DEMO_STREAMS, rowIdentity } from './rows.js';
import type { DemoStream, ProgramRows } from './rows.js';

/** One row per line, each line ending in `\n`; empty input gives an empty string. */
export function toNdjson(rows: readonly object[]): string {
  let text = '';
  for (const row of rows) {
    text += `${JSON.stringify(row)}\n`;
  }
  return text;
}

/** One stream of a serialized program, with what a correct ingest must answer for it. */
export interface SerializedStream {
  ndjson: string;
  /** Lines in `ndjson`. */
  lines: number;
  /** Distinct valid rows (each id once). */
  rows: number;
  /** Lines that repeat a row already delivered (same id, same content). */
  duplicates: number;
  /** 1-based line numbers of the copies. */
  duplicateLineNumbers: number[];
  /** Lines that must be rejected. */
  malformed: number;
  /** 1-based line numbers of the malformed lines. */
  malformedLineNumbers: number[];
}

/** Options of {@link serializeProgram}. */
export interface SerializeOptions {
  /** Seed of the interleaving (default: the program's seed). */
  seed?: number;
  /** A copy lands at most this many rows after its original (default 500). */
  maxDuplicateDistance?: number;
}

/**
 * Per-stream NDJSON of a program: its rows in order, each duplicate copy interleaved after its
 * original (a retry), and the malformed lines at random places, all deterministic for a seed.
 * Builds whole strings: for programs of millions of rows, serialize the chunks of
 * `generateProgramStream` with {@link toNdjson} instead.
 */
export function serializeProgram(
  program: Pick<GeneratedProgram, 'seed' | 'rows' | 'duplicates' | 'malformed'>,
  options: SerializeOptions = {},
): Record<DemoStream, SerializedStream> {
  const rng = new Random((options.seed ?? program.seed) ^ 0x27d4eb2f);
  const maxDistance = options.maxDuplicateDistance ?? 500;
  const result = {} as Record<DemoStream, SerializedStream>;
  for (const stream of DEMO_STREAMS) {
    result[stream] = serializeStream(
      stream,
      program.rows[stream],
      program.duplicates[stream],
      program.malformed[stream],
      rng,
      maxDistance,
    );
  }
  return result;
}

interface Insert {
  /** Index of the row the line follows; -1 = before the first row. */
  after: number;
  line: string;
  malformed: boolean;
}

function serializeStream(
  stream: DemoStream,
  rows: ProgramRows[DemoStream],
  duplicates: ProgramRows[DemoStream],
  malformed: readonly string[],
  rng: Random,
  maxDistance: number,
): SerializedStream {
  const positionOf = new Map<string, number>();
  rows.forEach((row, index) => positionOf.set(rowIdentity(stream, row), index));
  const inserts: Insert[] = [];
  for (const copy of duplicates) {
    const original = positionOf.get(rowIdentity(stream, copy));
    const after =
      original === undefined
        ? Math.floor(rng.float() * (rows.length + 1)) - 1
        : original + Math.floor(rng.float() * Math.min(maxDistance + 1, rows.length - original));
    inserts.push({ after, line: JSON.stringify(copy), malformed: false });
  }
  for (const line of malformed) {
    inserts.push({ after: Math.floor(rng.float() * (rows.length + 1)) - 1, line, malformed: true });
  }
  inserts.sort((a, b) => a.after - b.after);

  const lines: string[] = [];
  const duplicateLineNumbers: number[] = [];
  const malformedLineNumbers: number[] = [];
  let next = 0;
  const placeInsertsAfter = (index: number): void => {
    for (; next < inserts.length && inserts[next].after === index; next++) {
      const insert = inserts[next];
      lines.push(insert.line);
      (insert.malformed ? malformedLineNumbers : duplicateLineNumbers).push(lines.length);
    }
  };
  placeInsertsAfter(-1);
  rows.forEach((row, index) => {
    lines.push(JSON.stringify(row));
    placeInsertsAfter(index);
  });
  return {
    ndjson: lines.length > 0 ? `${lines.join('\n')}\n` : '',
    lines: lines.length,
    rows: rows.length,
    duplicates: duplicateLineNumbers.length,
    duplicateLineNumbers,
    malformed: malformedLineNumbers.length,
    malformedLineNumbers,
  };
}
