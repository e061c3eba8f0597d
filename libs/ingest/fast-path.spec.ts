import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { generateProgram } from '../demo/index.js';
import { PROGRAM_BLOCK_ROWS } from './corpus.testing.js';
import { toClickHouseTime } from '../storage/index.js';
import { fastPath } from './fast-path.js';
import { contentHashOf, contentHashOfColumns } from './hashing.js';
import { parseBody, parseBodyBatches } from './parse-body.js';
import { disagreements, unlike } from './rows.testing.js';
import { schemasFor } from './schemas.js';
import { MAX_TIME_MS, MIN_TIME_MS, storageTime } from './timestamps.js';

const MAX_CHARS = 4096;
const schemas = schemasFor(MAX_CHARS);
type FastStream = keyof typeof fastPath;
const STREAMS: FastStream[] = ['signals', 'firings', 'exposures', 'outcomes', 'consent'];

/** zod's data for a row, or undefined when zod rejects it. */
function viaZod(stream: FastStream, row: unknown): unknown {
  const parsed = schemas[stream].safeParse(row);
  return parsed.success ? parsed.data : undefined;
}

/** The fast path's data with absent keys dropped, as zod leaves absent optional keys out. */
function viaFast(stream: FastStream, row: Record<string, unknown>): unknown {
  const data = fastPath[stream](row, MAX_CHARS) as Record<string, unknown> | undefined;
  return data === undefined
    ? undefined
    : Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
}

describe('the validation fast path', () => {
  const program = generateProgram({ seed: 7, persons: 120, plantedBlockRows: PROGRAM_BLOCK_ROWS });

  it('builds exactly the data zod builds for every row of a generated program', () => {
    for (const stream of STREAMS) {
      const rows = program.rows[stream] as unknown as Record<string, unknown>[];
      const differing = disagreements(rows, (row) => {
        const fast = viaFast(stream, row);
        return fast === undefined ? 'refused' : unlike(fast, viaZod(stream, row));
      });
      expect({ stream, differing }).toEqual({ stream, differing: [] });
    }
  });

  it('never accepts a row zod rejects, and agrees whenever it accepts', () => {
    const base = program.rows.firings[0] as unknown as Record<string, unknown>;
    const values = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom(
        '',
        ' ',
        'treatment',
        'holdout',
        'opened',
        '\u0000',
        '\u200b',
        'x'.repeat(300),
      ),
      fc.constantFrom('2026-10-01T00:00:00Z', '2026-10-01 00:00:00', '2026-02-30T00:00:00Z'),
      // a device clock restarted at 1970: read for occurred_at and sent_at beside a sent_at
      fc.constantFrom('1970-01-01T00:05:00Z', '1969-12-31T19:05:00-05:00', '1969-12-31T23:59:59Z'),
      fc.constantFrom(
        '2026-10-02 10:00:00.123456 UTC',
        '2026-10-02 03:00:00.000 -0700',
        '2026-10-02 03:00:00 +02:00',
        '2026-10-02 10:00:00 GMT',
        '2026-10-02 10:00:00  UTC',
      ),
      fc.constantFrom('19.99', '1e3', '-0.00001', '12345678901234567'),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant({ a: 1 }),
      fc.constant([1]),
      fc.constant([]),
      // firing properties: scalars only; a nested, array or null value is zod's to refuse
      fc.constant({ tier: 'gold', n: -1.5, vip: true }),
      fc.constant({ vip: true, n: -1.5, tier: 'gold' }),
      fc.constant({ tier: { level: 1 } }),
      fc.constant({ tags: ['a'] }),
      fc.constant({ tier: null }),
      fc.constant({ ü: 'ß' }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...STREAMS),
        fc.dictionary(
          fc.constantFrom(
            ...Object.keys(base),
            'event_id',
            'type',
            'occurred_at',
            'value',
            'granted',
            'purpose',
            'machine',
            'properties',
            'kind',
            'sent_at',
            'computed_at',
            'collected_at',
            'outcome_id',
          ),
          values,
        ),
        (stream, overrides) => {
          const source = (program.rows[stream][0] ?? {}) as unknown as Record<string, unknown>;
          const row = { ...source, ...overrides };
          const fast = viaFast(stream, row);
          if (fast !== undefined) {
            expect(fast).toEqual(viaZod(stream, row));
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/** A firing with its required fields alone. */
const firing = {
  firing_id: 'f1',
  trigger_id: 't',
  person_id: 'p',
  decided_at: '2026-10-02T10:00:00.000Z',
  arm: 'treatment',
};

const signal = {
  event_id: 'e1',
  person_id: 'p1',
  type: 'view',
  occurred_at: '2026-10-02T10:00:00.000Z',
};

describe('the fast path on times as warehouses write them', () => {
  // The instant each names, written by hand.
  it.each([
    ['2026-10-02 10:00:00.123456 UTC', Date.UTC(2026, 9, 2, 10, 0, 0, 123)],
    ['2026-10-02 10:00:00 UTC', Date.UTC(2026, 9, 2, 10)],
    ['2026-10-02 03:00:00.000 -0700', Date.UTC(2026, 9, 2, 10)],
    ['2026-10-02 03:00:00 +0200', Date.UTC(2026, 9, 2, 1)],
    ['2026-10-02 03:00:00 +02:00', Date.UTC(2026, 9, 2, 1)],
  ])('reads %j as zod does', (text, ms) => {
    const row = { ...firing, decided_at: text, dispatched_at: text };
    expect(viaFast('firings', row)).toMatchObject({ decided_at: ms, dispatched_at: ms });
    expect(viaFast('firings', row)).toEqual(viaZod('firings', row));
  });

  it.each(['2026-10-02 10:00:00.123456', '2026-10-02 10:00:00 GMT', '2026-10-02 10:00:00  UTC'])(
    'leaves %j to zod, which refuses it',
    (text) => {
      const row = { ...firing, decided_at: text };
      expect(viaFast('firings', row)).toBeUndefined();
      expect(viaZod('firings', row)).toBeUndefined();
    },
  );
});

describe('the fast path on firing properties', () => {
  it.each([
    [{ tier: 'gold', country: 'DE', orders: 3, ratio: 0.25, vip: false }],
    [{}],
    [[]],
    [null],
    [{ 'non ascii ü': 'still a string' }],
  ])('builds what zod builds for %j', (properties) => {
    const row = { ...firing, properties };
    expect(viaFast('firings', row)).toBeDefined();
    expect(viaFast('firings', row)).toEqual(viaZod('firings', row));
  });

  it.each([[{ a: { b: 1 } }], [{ a: [1] }], [{ a: null }], [[1]], ['tier=gold']])(
    'leaves %j to zod, which refuses it',
    (properties) => {
      const row = { ...firing, properties };
      expect(viaFast('firings', row)).toBeUndefined();
      expect(viaZod('firings', row)).toBeUndefined();
    },
  );
});

describe('the fast path on properties in another key order', () => {
  it.each([
    ['firings', { ...firing, properties: { vip: false, tier: 'gold', orders: 3 } }],
    ['signals', { ...signal, properties: { vip: false, tier: 'gold', orders: 3 } }],
  ] as const)('%s: builds the text zod builds, its keys sorted', (stream, row) => {
    expect(viaFast(stream, row)).toMatchObject({
      properties: '{"orders":3,"tier":"gold","vip":false}',
    });
    expect(viaFast(stream, row)).toEqual(viaZod(stream, row));
  });

  it('sorts the keys of nested objects too, and keeps the order of arrays', () => {
    const row = {
      ...signal,
      properties: { z: [{ b: 1, a: 2 }, 0], y: { d: 1, c: { f: 1, e: 2 } } },
    };
    expect(viaFast('signals', row)).toMatchObject({
      properties: '{"y":{"c":{"e":2,"f":1},"d":1},"z":[{"a":2,"b":1},0]}',
    });
    expect(viaFast('signals', row)).toEqual(viaZod('signals', row));
  });
});

describe('the fast path on a device clock restarted at 1970', () => {
  // 1970-01-01T00:05:00Z and 00:06:30Z, in epoch milliseconds
  const device = {
    ...signal,
    occurred_at: '1970-01-01T00:05:00Z',
    sent_at: '1970-01-01T00:06:30Z',
  };

  it('reads its times as zod does when the row states sent_at', () => {
    expect(viaFast('signals', device)).toMatchObject({ occurred_at: 300_000, sent_at: 390_000 });
    expect(viaFast('signals', device)).toEqual(viaZod('signals', device));
  });

  it.each([
    ['without sent_at', { ...device, sent_at: undefined }],
    ['with a null sent_at', { ...device, sent_at: null }],
    ['for computed_at', { ...device, computed_at: '1970-01-01T00:06:30Z' }],
  ])('leaves it to zod, which refuses it, %s', (_case, row) => {
    expect(viaFast('signals', row)).toBeUndefined();
    expect(viaZod('signals', row)).toBeUndefined();
  });
});

describe('storageTime', () => {
  it('writes the same text as toClickHouseTime', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_TIME_MS - 5000, max: MAX_TIME_MS + 5000 }), (ms) => {
        expect(storageTime(ms)).toBe(toClickHouseTime(ms));
      }),
      { numRuns: 5000 },
    );
    expect(storageTime(Date.UTC(2024, 1, 29, 23, 59, 59, 7))).toBe('2024-02-29 23:59:59.007');
  });
});

describe('contentHashOfColumns', () => {
  it('hashes the same text as contentHashOf over [[column, value], ...]', () => {
    const row = { a: 'x"y', b: null, c: 3.5, d: ['p', 'q'], e: undefined, f: true };
    const columns = ['a', 'b', 'c', 'd', 'e', 'f'];
    const entries = columns.map((c) => [c, (row as Record<string, unknown>)[c]] as const);
    expect(contentHashOfColumns(columns, row)).toBe(contentHashOf(entries));
    const override = { c: 'as sent' };
    expect(contentHashOfColumns(columns, row, override)).toBe(
      contentHashOf(entries.map(([c, v]) => [c, c === 'c' ? 'as sent' : v] as const)),
    );
  });
});

describe('parseBodyBatches', () => {
  it('yields the lines of parseBody, chunk by chunk', async () => {
    const text = ['{"a":1}', '', 'not json', '{"b":"é"}\r', '{"c":[1,2]}'].join('\n');
    const chunks = () => Readable.from([Buffer.from(text.slice(0, 9)), Buffer.from(text.slice(9))]);
    const flat: unknown[] = [];
    for await (const line of parseBody(chunks(), { maxRows: 10 })) {
      flat.push(line);
    }
    const batched: unknown[] = [];
    for await (const lines of parseBodyBatches(chunks(), { maxRows: 10 })) {
      batched.push(...lines);
    }
    expect(batched).toEqual(flat);
    expect(flat).toHaveLength(4);
  });
});
