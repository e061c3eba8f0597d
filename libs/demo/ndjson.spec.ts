import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ARMS, EXPOSURE_TYPES, SIGNAL_KINDS, TRIGGER_STATUSES } from '../ingest/index.js';

import { generateProgram } from './generate.js';
import { createIsoFormatter } from './iso-time.js';
import { MALFORMED_KINDS, malformedLines } from './malformed.js';
import { serializeProgram, toNdjson } from './ndjson.js';
import { DEMO_STREAMS, rowIdentity } from './rows.js';
import type { DemoStream, ProgramRows } from './rows.js';
import { TIME_FIELDS } from './testing.js';

// A minimal reading of docs/design.md §2, enough to tell a valid row from each malformed kind.
const REQUIRED: Record<DemoStream, string[]> = {
  triggers: ['trigger_id', 'name', 'channel', 'signal_types', 'window_ms', 'success_types'],
  signals: ['event_id', 'person_id', 'type', 'occurred_at'],
  firings: ['firing_id', 'trigger_id', 'person_id', 'decided_at', 'arm'],
  exposures: ['firing_id', 'type', 'occurred_at'],
  outcomes: ['outcome_id', 'person_id', 'type', 'occurred_at'],
  consent: ['person_id', 'purpose', 'granted', 'occurred_at'],
};
const ENUMS: Record<string, readonly string[]> = {
  kind: SIGNAL_KINDS,
  status: TRIGGER_STATUSES,
  arm: ARMS,
};
const NUMBERS = ['window_ms', 'value', 'holdout_pct', 'conversion_window_ms'];

/** Why a line would be rejected, or undefined when it is a valid row. */
function rejection(stream: DemoStream, line: string): string | undefined {
  let row: Record<string, unknown>;
  try {
    row = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return 'bad_json';
  }
  if (REQUIRED[stream].some((field) => row[field] === undefined)) {
    return 'missing_field';
  }
  const badEnum =
    Object.entries(ENUMS).some(
      ([field, values]) => field in row && !values.includes(row[field] as string),
    ) ||
    (stream === 'exposures' &&
      !(EXPOSURE_TYPES as readonly string[]).includes(row['type'] as string)) ||
    ('granted' in row && typeof row['granted'] !== 'boolean') ||
    NUMBERS.some((field) => field in row && typeof row[field] !== 'number');
  if (badEnum) {
    return 'bad_enum';
  }
  if (TIME_FIELDS.some((field) => field in row && Number.isNaN(Date.parse(row[field] as string)))) {
    return 'bad_timestamp';
  }
  return undefined;
}

describe('malformedLines', () => {
  it('gives lines a validator rejects, one kind after the other', () => {
    for (const stream of DEMO_STREAMS) {
      const reasons = malformedLines(stream, 8).map((line) => rejection(stream, line));
      expect(reasons.every((reason) => reason !== undefined)).toBe(true);
      // Triggers have no timestamp: their fourth line is a duration that is not a number.
      const expected = MALFORMED_KINDS.map((kind) =>
        stream === 'triggers' && kind === 'bad_timestamp' ? 'bad_enum' : kind,
      );
      expect(reasons).toEqual([...expected, ...expected]);
    }
  });
});

describe('toNdjson', () => {
  it('writes one JSON object per line, each ending in a newline', () => {
    expect(toNdjson([])).toBe('');
    expect(toNdjson([{ a: 1 }, { b: 'x' }])).toBe('{"a":1}\n{"b":"x"}\n');
  });
});

describe('serializeProgram', () => {
  const program = generateProgram({ seed: 3, persons: 150, malformedPerStream: 5 });
  const serialized = serializeProgram(program);

  it('interleaves rows, duplicate copies and malformed lines, and says where each is', () => {
    for (const stream of DEMO_STREAMS) {
      const result = serialized[stream];
      const lines = result.ndjson.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(result.lines);
      expect(result.rows).toBe(program.rows[stream].length);
      expect(result.duplicates).toBe(program.duplicates[stream].length);
      expect(result.malformed).toBe(5);
      expect(result.lines).toBe(result.rows + result.duplicates + result.malformed);

      const malformedAt = new Set(result.malformedLineNumbers);
      expect(result.malformedLineNumbers.map((n) => lines[n - 1])).toEqual(
        expect.arrayContaining(program.malformed[stream]),
      );
      const seen = new Set<string>();
      const copiesAt: number[] = [];
      // Lines a validator judges otherwise than the serializer says (one expect for them all).
      const misjudged: { line: number; rejection: string | undefined }[] = [];
      lines.forEach((line, index) => {
        const reason = rejection(stream, line);
        if (malformedAt.has(index + 1)) {
          if (reason === undefined) {
            misjudged.push({ line: index + 1, rejection: reason });
          }
          return;
        }
        if (reason !== undefined) {
          misjudged.push({ line: index + 1, rejection: reason });
        }
        const id = rowIdentity(stream, JSON.parse(line) as ProgramRows[DemoStream][number]);
        if (seen.has(id)) {
          copiesAt.push(index + 1);
        }
        seen.add(id);
      });
      expect(misjudged).toEqual([]);
      // Every copy comes after its original.
      expect(copiesAt).toEqual(result.duplicateLineNumbers);
      expect(seen.size).toBe(result.rows);
    }
  });

  it('is deterministic, and the seed moves the copies and malformed lines', () => {
    expect(serializeProgram(program)).toEqual(serialized);
    const reseeded = serializeProgram(program, { seed: 99 });
    expect(reseeded.firings.malformedLineNumbers).not.toEqual(
      serialized.firings.malformedLineNumbers,
    );
    expect(reseeded.firings.lines).toBe(serialized.firings.lines);
  });
});

describe('createIsoFormatter', () => {
  it('formats integer milliseconds exactly as toISOString', () => {
    const iso = createIsoFormatter();
    fc.assert(
      fc.property(fc.integer({ min: -30_000_000_000_000, max: 200_000_000_000_000 }), (ms) => {
        expect(iso(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2_000 },
    );
  });
});
