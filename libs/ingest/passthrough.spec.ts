import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { z } from 'zod';
import { generateProgram } from '../demo/index.js';
import { storeForSuite } from '../storage/testing.js';
import { anyTypeVariant, PROGRAM_BLOCK_ROWS } from './corpus.testing.js';
import { DIALECT_NAMES, inDialect } from './dialects.testing.js';
import { insertStorageLines } from './ingest-writer.js';
import { passThrough } from './passthrough.js';
import { disagreements, firstDifference, unlike } from './rows.testing.js';
import { tableOf, type StreamName } from './streams.js';
import type { StorageLine, ValidationContext } from './types.js';
import { validateRow } from './validate-row.js';

type PassStream = Exclude<StreamName, 'triggers'>;
const STREAMS: PassStream[] = ['signals', 'firings', 'exposures', 'outcomes', 'consent'];
const ID_COLUMN: Record<PassStream, string> = {
  signals: 'event_id',
  firings: 'firing_id',
  exposures: 'event_id',
  outcomes: 'outcome_id',
  consent: 'event_id',
};

const IN_DIALECTS = STREAMS.flatMap((stream) =>
  DIALECT_NAMES.map((dialect) => [stream, dialect] as const),
);

const RECEIVED_AT = Date.UTC(2026, 11, 1, 12);
const context = (tenantId: string): ValidationContext => ({
  tenantId,
  receivedAt: RECEIVED_AT,
  limits: { maxRows: 100_000, maxFieldChars: 64, maxBodyBytes: 1 << 30 },
});
const PASSED = context('passed');

const program = generateProgram({
  seed: 11,
  persons: 60,
  start: '2026-10-01T00:00:00Z',
  plantedBlockRows: PROGRAM_BLOCK_ROWS,
});
const linesOf = new Map<PassStream, string[]>();
function programLines(stream: PassStream): string[] {
  let lines = linesOf.get(stream);
  if (lines === undefined) {
    lines = (program.rows[stream] as unknown as object[]).map((row) => JSON.stringify(row));
    linesOf.set(stream, lines);
  }
  return lines;
}

/** passThrough of a line's text, or undefined. */
function pass(stream: PassStream, raw: string, ctx = PASSED): StorageLine | undefined {
  return passThrough(stream, raw, ctx);
}

/** The stream of a hand-written line of this spec, by its first field. */
function streamOf(raw: string): PassStream {
  return raw.includes('"firing_id"')
    ? 'firings'
    : raw.includes('"outcome_id"')
      ? 'outcomes'
      : 'signals';
}

/** validateRow's id, hash and row of a line's text, which must be valid. */
function built(stream: PassStream, raw: string, ctx = PASSED) {
  const result = validateRow(stream, JSON.parse(raw), 1, ctx);
  if (!result.ok) {
    throw new Error(`validateRow refused ${raw}: ${JSON.stringify(result.error)}`);
  }
  return result.value;
}

describe('passThrough recognizes plain lines, with the id and hash validateRow gives them', () => {
  it.each(STREAMS)('every %s line of a generated program', (stream) => {
    const lines = programLines(stream);
    expect(lines.length).toBeGreaterThan(50);
    const differing = disagreements(lines, (raw) => {
      const passed = pass(stream, raw);
      if (stream === 'outcomes' && passed === undefined) {
        // A value such as 12.345678 is rounded to the column's 4 places: validateRow's work.
        return undefined;
      }
      const expected = built(stream, raw);
      return unlike(
        { id: passed?.id, contentHash: passed?.contentHash },
        { id: expected.id, contentHash: expected.contentHash },
      );
    });
    expect(differing).toEqual([]);
  });

  it.each(IN_DIALECTS)(
    'every %s line of a generated program, as %s writes it',
    (stream, dialect) => {
      const differing = disagreements(programLines(stream), (plain) => {
        const raw = inDialect(plain, dialect);
        const passed = pass(stream, raw);
        const asPlain = built(stream, plain);
        // The same id and hash as the line JSON.stringify writes, whatever order the dialect
        // writes the keys of `properties` in.
        return unlike(
          {
            passed: passed !== undefined,
            id: passed?.id,
            contentHash: passed?.contentHash,
            plainHash: passed?.contentHash,
          },
          {
            passed: true,
            id: asPlain.id,
            contentHash: built(stream, raw).contentHash,
            plainHash: asPlain.contentHash,
          },
        );
      });
      expect(differing).toEqual([]);
    },
  );

  it('hashes copies that differ only in their send time alike, and a copy that says otherwise apart', () => {
    // A library that stamps sent_at anew on every retry: each retry is a copy of the same signal
    // (the scanner leaves a line with a send time to validateRow, which corrects its clock).
    const line =
      '{"event_id":"s1","person_id":"p1","type":"cart_abandoned","occurred_at":"2026-11-30T10:00:00.000Z"}';
    const sentAt = (raw: string, at: string) => `${raw.slice(0, -1)},"sent_at":"${at}"}`;
    const first = pass('signals', line)!;
    expect(first).toBeDefined();
    const retries = ['2026-11-30T10:00:05.000Z', '2026-12-01T11:59:00.000Z'].map(
      (at) => built('signals', sentAt(line, at)).contentHash,
    );
    expect(retries).toEqual([first.contentHash, first.contentHash]);
    expect(built('signals', line).contentHash).toBe(first.contentHash);

    const other = line.replace('cart_abandoned', 'cart_viewed');
    expect(pass('signals', other)!.contentHash).not.toBe(first.contentHash);
    expect(built('signals', sentAt(other, '2026-11-30T10:00:05.000Z')).contentHash).not.toBe(
      first.contentHash,
    );
  });

  it('reads properties whose keys come in another order as the same content, stored sorted', () => {
    const line = (properties: string) =>
      `{"firing_id":"f1","trigger_id":"t","person_id":"p1","decided_at":"2026-10-02T10:00:00.000Z","arm":"treatment","properties":${properties}}`;
    const sorted = pass('firings', line('{"orders":3,"tier":"gold","vip":true}'))!;
    expect(sorted.text).toContain(',"properties":{"orders":3,"tier":"gold","vip":true}}');
    for (const properties of [
      '{"vip":true,"tier":"gold","orders":3}',
      '{"tier": "gold", "vip": true, "orders": 3}',
      '{"tier":"gold","orders":3.0,"vip":true}',
    ]) {
      const passed = pass('firings', line(properties));
      expect(passed?.contentHash).toBe(sorted.contentHash);
      expect(passed?.text).toContain(
        ',"properties":"{\\"orders\\":3,\\"tier\\":\\"gold\\",\\"vip\\":true}"}',
      );
    }
  });

  it('derives the ids of exposures and consent sent without one', () => {
    const exposure =
      '{"firing_id":"f1","type":"opened","occurred_at":"2026-10-02T10:00:00.000Z","machine":true}';
    const consent =
      '{"person_id":"p1","purpose":"email","granted":false,"occurred_at":"2026-10-02T10:00:00.000Z"}';
    for (const [stream, raw] of [
      ['exposures', exposure],
      ['consent', consent],
    ] as const) {
      const passed = pass(stream, raw);
      const expected = built(stream, raw);
      expect(passed?.id).toMatch(/^derived:[0-9a-f]{32}$/);
      expect({ id: passed?.id, contentHash: passed?.contentHash }).toEqual({
        id: expected.id,
        contentHash: expected.contentHash,
      });
      expect(passed?.text).toContain(`"event_id":"${expected.id}"`);
    }
  });

  const signal = (fields: string) =>
    `{"event_id":"e1","person_id":"p1","type":"view","occurred_at":"2026-10-02T10:00:00.000Z"${fields}}`;
  const firing = (fields: string) =>
    `{"firing_id":"f1","trigger_id":"t","person_id":"p1","decided_at":"2026-10-02T10:00:00.000Z","arm":"treatment"${fields}}`;
  const outcome = (fields: string) =>
    `{"outcome_id":"o1","person_id":"p1","type":"purchase","occurred_at":"2026-10-02T10:00:00.000Z"${fields}}`;

  it.each([
    ['signals', signal('')],
    ['signals', signal(',"kind":"identity","properties":{"a":[1,{"b":null}],"c":"d"}')],
    ['signals', signal(',"properties":{"a":"x y","b":-1.5,"c":true,"d":null,"e":1e-7}')],
    ['signals', signal(',"properties":{}')],
    ['signals', signal(',"source":null,"sent_at":null,"computed_at":null,"session_id":""')],
    ['firings', firing(',"trigger_version":4000000000,"variant":"B","signal_at":null')],
    ['firings', firing(',"properties":{"tier":"gold","orders":3,"ratio":-0.5,"vip":false}')],
    ['firings', firing(',"properties":{}')],
    ['outcomes', outcome(',"value":19.99,"currency":"EUR"')],
    ['outcomes', outcome(',"value":-0.5,"order_id":null')],
  ] as const)('%s %s', (stream, raw) => {
    expect(pass(stream, raw)).toMatchObject({ contentHash: built(stream, raw).contentHash });
  });

  it.each([
    ['a key written twice', signal(',"type":"view"')],
    ['an escape in a string', signal(',"source":"w\\u0065b"')],
    ['an escaped key', signal(',"sour\\u0063e":"web"')],
    ['a quote in a string', signal(',"source":"w\\"eb"')],
    ['a non-ASCII string', signal(',"source":"wéb"')],
    ['properties over the limit', signal(`,"properties":{"a":"${'x'.repeat(1100)}"}`)],
    ['a null kind (stored as behavioral)', signal(',"kind":null')],
    ['null properties (stored as {})', signal(',"properties":null')],
    ['firing properties with a null value', firing(',"properties":{"tier":null}')],
    ['firing properties with a nested object', firing(',"properties":{"tier":{"a":1}}')],
    ['firing properties with an array', firing(',"properties":{"tags":["a"]}')],
    ['properties sent as a non-empty array', signal(',"properties":[{}]')],
    // JSON.stringify's own text for numbers JSON does not carry exactly: validateRow refuses them.
    ['a whole number past 2^53 in properties', signal(',"properties":{"id":9007199254740992}')],
    ['a large number in exponent form in properties', signal(',"properties":{"e":1e+21}')],
    ['a rounded id in firing properties', firing(',"properties":{"n":12345678901234567000}')],
    ['a number beyond a double in properties', signal(',"properties":{"a":[1e400]}')],
    ['firing properties sent as a non-empty array', firing(',"properties":["gold"]')],
    ['null firing properties (stored as {})', firing(',"properties":null')],
    ['sent_at (skew correction)', signal(',"sent_at":"2026-10-02T10:00:01.000Z"')],
    ['an event time to clamp', signal('').replace('2026-10-02', '2027-10-02')],
    [
      'an event time to clamp, as Python writes it',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-12-02T12:00:00.001000+00:00'),
    ],
    [
      'an impossible date, as Python writes it',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-02-29T10:00:00+00:00'),
    ],
    ['an impossible date', signal('').replace('2026-10-02', '2026-02-30')],
    [
      'an event time to clamp, as BigQuery writes it',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-12-02 12:00:00.001000 UTC'),
    ],
    [
      'a time without its zone, as a warehouse writes it',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-10-02 10:00:00.123456'),
    ],
    [
      'a time with a zone name other than UTC',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-10-02 10:00:00 GMT'),
    ],
    ['a version that is not an integer', firing(',"trigger_version":1.5')],
    ['a blank required id', signal('').replace('"e1"', '"  "')],
    ['a required field missing', signal('').replace('"type":"view",', '')],
    ['text over the limit', signal(`,"source":"${'x'.repeat(65)}"`)],
  ] as const)('leaves to validateRow a line with %s', (_, raw) => {
    expect(pass(streamOf(raw), raw)).toBeUndefined();
  });

  it.each([
    ['an unknown field', signal(',"extra":1'), ['extra']],
    ['a tenant_id field', signal(',"tenant_id":"other"'), ['tenant_id']],
    [
      'a column it may not set',
      signal(',"content_hash":"1","received_at":0'),
      ['content_hash', 'received_at'],
    ],
    [
      'unknown fields of every kind',
      signal(',"a":"x\\"y","b":[1,{"c":"]"}],"c":{"d":[]},"d":-1e3,"e":null,"a":true'),
      ['a', 'b', 'c', 'd', 'e'],
    ],
    ['a space between tokens', signal(', "source":"web"'), []],
    [
      'spaces everywhere',
      ` { "event_id" : "e1" ,\t"person_id":"p1","type":"view","occurred_at":"2026-10-02T10:00:00.000Z" } `,
      [],
    ],
    ['spaced-out properties', signal(',"properties":{"a": 1}'), []],
    ['properties with an exponent', signal(',"properties":{"a":1e3}'), []],
    ["PHP's empty map for properties", signal(',"properties":[]'), []],
    ["PHP's empty map for firing properties, spaced", firing(',"properties":[ ]'), []],
    ['properties that JSON.stringify reorders', signal(',"properties":{"b":1,"1":2}'), []],
    ['properties with a key written twice', signal(',"properties":{"a":1,"a":2}'), []],
    ['properties with a number not as written', signal(',"properties":{"a":1.50}'), []],
    ['firing properties with an escape', firing(',"properties":{"a":"\\u00fc"}'), []],
    ['firing properties spaced out', firing(',"properties":{"tier": "gold", "n": 2.0}'), []],
    ['epoch milliseconds', signal('').replace('"2026-10-02T10:00:00.000Z"', '1790935200000'), []],
    [
      'epoch milliseconds as text',
      signal('').replace('"2026-10-02T10:00:00.000Z"', '"1790935200000"'),
      [],
    ],
    ['a time without milliseconds', signal('').replace('00.000Z', '00Z'), []],
    ['a time with an offset', signal('').replace('.000Z', '.000+00:00'), []],
    ['a time with another offset', signal('').replace('10:00:00.000Z', '12:00:00+02:00'), []],
    ['a time with microseconds', signal('').replace('.000Z', '.123456+00:00'), []],
    [
      'an event time a day ahead, as Python writes it',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-12-02T12:00:00.000999+00:00'),
      [],
    ],
    ['a time as Go writes it', signal('').replace('.000Z', '.5Z'), []],
    ['a time with nanoseconds', signal('').replace('.000Z', '.123456789Z'), []],
    ['an optional time with an offset', firing(',"signal_at":"2026-10-02T09:59:00-05:30"'), []],
    [
      'a time as BigQuery writes it',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-10-02 10:00:00.123456 UTC'),
      [],
    ],
    [
      'a time as Snowflake writes it',
      signal('').replace('2026-10-02T10:00:00.000Z', '2026-10-02 03:00:00.000 -0700'),
      [],
    ],
    [
      'an optional time with a space before its offset',
      firing(',"signal_at":"2026-10-02 11:59:00 +02:00"'),
      [],
    ],
    ['a version written as a float', firing(',"trigger_version":3.0'), []],
    ['a version in exponent form', firing(',"trigger_version":1e3'), []],
    ['an amount to round', outcome(',"value":1.23456'), []],
    ['an amount as text', outcome(',"value":"19.99"'), []],
    ['an amount in exponent form', outcome(',"value":1e2'), []],
    ['an amount with a trailing zero', outcome(',"value":19.90'), []],
  ] as const)(
    "reads a line with %s, writes it anew, with validateRow's id and hash",
    (_, raw, ignored) => {
      const stream = streamOf(raw);
      const passed = pass(stream, raw);
      const expected = built(stream, raw);
      expect(passed).toBeDefined();
      expect({ id: passed?.id, contentHash: passed?.contentHash }).toEqual({
        id: expected.id,
        contentHash: expected.contentHash,
      });
      expect(passed?.text).not.toContain(raw.slice(1));
      expect(passed?.ignored ?? []).toEqual(ignored);
    },
  );

  // The instant each names, written by hand as its storage text.
  it.each([
    ['2026-10-02 10:00:00.123456 UTC', '2026-10-02 10:00:00.123'],
    ['2026-10-02 10:00:00 UTC', '2026-10-02 10:00:00.000'],
    ['2026-10-02 03:00:00.000 -0700', '2026-10-02 10:00:00.000'],
    ['2026-10-02 12:00:00 +0200', '2026-10-02 10:00:00.000'],
    ['2026-10-02 12:00:00.999999999 +02:00', '2026-10-02 10:00:00.999'],
  ])('stores %j as %j', (time, stored) => {
    const raw = firing(`,"signal_at":"${time}"`).replace('2026-10-02T10:00:00.000Z', time);
    const text = pass('firings', raw)?.text;
    expect(text).toContain(`"decided_at":"${stored}"`);
    expect(text).toContain(`"signal_at":"${stored}"`);
  });

  it('is not misled by a line of canonical length that is not canonical', () => {
    // 1e3 is one character shorter than 1000, and the space makes up for it: read, written anew.
    const spaced = firing(',"trigger_version":1e3 ');
    expect(JSON.stringify(JSON.parse(spaced)).length).toBe(spaced.length);
    expect(pass('firings', spaced)?.text).toContain('"trigger_version":1000}');
    // 1e15 is 12 characters shorter than 1000000000000000: as long as ,"source":"" repeated.
    const repeated = signal(',"source":"","source":"","properties":{"a":1e15}');
    expect(JSON.stringify(JSON.parse(repeated)).length).toBe(repeated.length);
    expect(pass('signals', repeated)).toBeUndefined();
    expect(validateRow('signals', JSON.parse(repeated), 1, PASSED).ok).toBe(true);
  });

  it('leaves to validateRow a line whose unknown field is not JSON', () => {
    for (const extra of [
      ',"x":tru',
      ',"x":"a\\q"',
      ',"x":[1,]',
      ',"x":01',
      ',"x\\u0041":1',
      ',"x":{"a"}',
    ]) {
      expect(pass('signals', signal(extra))).toBeUndefined();
    }
  });

  it('leaves to validateRow an empty or null event_id (exposures derive one)', () => {
    const exposure = (id: string) =>
      `{"firing_id":"f1","type":"opened","occurred_at":"2026-10-02T10:00:00.000Z","event_id":${id}}`;
    expect(pass('exposures', exposure('""'))).toBeUndefined();
    expect(pass('exposures', exposure('null'))).toBeUndefined();
    expect(pass('exposures', exposure('"x1"'))?.id).toBe('x1');
  });

  it('only passes lines validateRow accepts, with its id and hash, whatever the line says, in every dialect', () => {
    fc.assert(
      fc.property(variant, fc.constantFrom(...DIALECT_NAMES), ({ stream, raw: plain }, dialect) => {
        const raw = inDialect(plain, dialect);
        const passed = pass(stream, raw);
        if (passed !== undefined) {
          const expected = built(stream, raw);
          expect({ id: passed.id, contentHash: passed.contentHash }).toEqual({
            id: expected.id,
            contentHash: expected.contentHash,
          });
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

/** A line of a generated program with some fields replaced, and perhaps a space or comma less. */
const variant = anyTypeVariant(STREAMS, programLines);

describe('ClickHouse stores a passed line as the row validateRow builds', () => {
  const store = storeForSuite();

  async function storedRows(stream: PassStream, tenantId: string) {
    return store.clickhouse.query({
      tag: 'test.passthrough',
      sql: `SELECT * EXCEPT (tenant_id, content_hash), toString(content_hash) AS content_hash
            FROM ${tableOf[stream]} WHERE tenant_id = {tenantId:String}
            ORDER BY ${ID_COLUMN[stream]}`,
      params: { tenantId },
      row: z.record(z.string(), z.unknown()),
    });
  }

  it.each(IN_DIALECTS)('%s as %s writes them', async (stream, dialect) => {
    const passedCtx = context(`passed-${dialect}`);
    const builtCtx = context(`built-${dialect}`);
    const extra: Record<PassStream, string[]> = {
      signals: [
        '{"event_id":"x1","person_id":"p","type":"t","occurred_at":"2026-10-02T10:00:00.000Z","kind":"predictive","session_id":"","source":null,"sent_at":null,"computed_at":"2026-10-01T00:00:00.000Z","properties":{"n":1.5,"s":"a\\"b\\u0000","u":"é","o":{"1":[true,null]}}}',
        '{"event_id":"x2","person_id":"p","type":"t","occurred_at":"2026-10-02T10:00:00.000Z","properties":{"a":"x y","b":-1.5,"c":true,"d":null,"e":1e-7,"__proto__":0}}',
      ],
      firings: [
        '{"firing_id":"x1","trigger_id":"t","person_id":"p","decided_at":"2026-10-02T10:00:00.000Z","arm":"holdout","trigger_version":null,"signal_at":null,"skip_reason":"cap"}',
        '{"firing_id":"x2","trigger_id":"t","person_id":"p","decided_at":"2026-10-02T10:00:00.000Z","arm":"treatment","properties":{"tier":"gold","orders":3,"ratio":0.25,"vip":true}}',
      ],
      exposures: [
        '{"firing_id":"x1","type":"clicked","occurred_at":"2026-10-02T10:00:00.000Z","machine":null,"rendered_variant":null}',
      ],
      outcomes: [
        '{"outcome_id":"x1","person_id":"p","type":"refund","occurred_at":"2026-10-02T10:00:00.000Z","value":-12.5,"refund_of_order_id":"o9"}',
        '{"outcome_id":"x2","person_id":"p","type":"purchase","occurred_at":"2026-10-02T10:00:00.000Z","value":null}',
      ],
      consent: [
        '{"person_id":"p","purpose":"sms","granted":true,"occurred_at":"2026-10-02T10:00:00.000Z","source":null,"recorded_at":null}',
      ],
    };
    const random = fc
      .sample(variant, { numRuns: 3000, seed: 42 })
      .filter((v) => v.stream === stream)
      .map((v) => v.raw);
    for (const raw of extra[stream]) {
      expect(pass(stream, raw)).toBeDefined();
    }
    // The variants first: a program line of the same id is then left out. The program's first
    // lines (every line's id and hash are compared above) bring the rows of a real program.
    const lines = [...random, ...extra[stream], ...programLines(stream).slice(0, 2000)].map((raw) =>
      inDialect(raw, dialect),
    );
    const passedText: string[] = [];
    const builtText: string[] = [];
    const hashes = new Map<string, string>();
    for (const raw of lines) {
      const passed = pass(stream, raw, passedCtx);
      if (passed === undefined || hashes.has(passed.id)) {
        continue;
      }
      hashes.set(passed.id, passed.contentHash);
      passedText.push(passed.text);
      builtText.push(JSON.stringify(built(stream, raw, builtCtx).row));
    }
    expect(passedText.length).toBeGreaterThan(50);
    await insertStorageLines(store.clickhouse, stream, passedText.join('\n'), 'test.passed');
    await insertStorageLines(store.clickhouse, stream, builtText.join('\n'), 'test.built');

    const passedRows = await storedRows(stream, passedCtx.tenantId);
    const builtRows = await storedRows(stream, builtCtx.tenantId);
    expect(passedRows).toHaveLength(hashes.size);
    // Same rows but for the tenant, which the content hash covers (compared on its own below),
    // and the time the engine wrote each (firings' inserted_at: two inserts, two stamps).
    const withoutHash = (rows: Record<string, unknown>[]) =>
      rows.map(({ content_hash: _, inserted_at: __, ...rest }) => rest);
    expect(firstDifference(withoutHash(passedRows), withoutHash(builtRows))).toBeUndefined();
    expect(
      passedRows
        .filter((row) => row.content_hash !== hashes.get(row[ID_COLUMN[stream]] as string))
        .slice(0, 5),
    ).toEqual([]);
  });
});
