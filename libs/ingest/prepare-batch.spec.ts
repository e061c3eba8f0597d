import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { batchResult } from './ingest.service.js';
import { IngestLimitError } from './limit-error.js';
import { parseBody, parseBodyBatches } from './parse-body.js';
import { prepareBatch } from './prepare-batch.js';
import { generateProgram } from '../demo/index.js';
import { PROGRAM_BLOCK_ROWS } from './corpus.testing.js';
import { DIALECT_NAMES, inDialect, type DialectName } from './dialects.testing.js';
import { STREAMS, type StreamName } from './streams.js';
import type { ParsedLine, PreparedBatch, ValidationContext } from './types.js';

const RECEIVED_AT = Date.UTC(2024, 4, 1, 12);
const ctx: ValidationContext = {
  tenantId: 'tenant-a',
  receivedAt: RECEIVED_AT,
  limits: { maxRows: 5000, maxFieldChars: 4096, maxBodyBytes: 10 * 1024 * 1024 },
};

function body(text: string): AsyncIterable<Buffer> {
  return Readable.from([Buffer.from(text)]);
}

/** The batch of `text` read without parsing its lines, expected equal to one read parsing them. */
async function readAlikeParsed(stream: StreamName, text: string): Promise<PreparedBatch> {
  const read = (parse: boolean) =>
    prepareBatch(stream, parseBodyBatches(body(text), { ...ctx.limits, parse }), ctx);
  const batch = await read(false);
  expect(batch).toEqual(await read(true));
  return batch;
}

/** The rows a batch keeps, as ClickHouse reads them from its text. */
function storedRows(batch: PreparedBatch): Record<string, unknown>[] {
  return batch.ndjson === ''
    ? []
    : batch.ndjson.split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

function signal(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    event_id: id,
    person_id: 'p1',
    type: 'view',
    occurred_at: '2024-05-01T10:00:00Z',
    ...extra,
  });
}

describe('prepareBatch', () => {
  it('1,000 lines with 3 malformed: 997 accepted, 3 rejected with their lines', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => signal(`e${i + 1}`));
    lines[16] = '{"event_id":"e17",'; // line 17: not JSON
    lines[499] = JSON.stringify({ event_id: 'e500', person_id: 'p1', type: 'view' }); // line 500
    lines[999] = signal('e1000', { occurred_at: '2024-05-01 10:00:00' }); // line 1000: naive
    const batch = await prepareBatch('signals', parseBody(body(lines.join('\n')), ctx.limits), ctx);

    expect(batch).toMatchObject({
      stream: 'signals',
      lines: 1000,
      accepted: 997,
      rejected: 3,
      duplicates: 0,
      conflicts: 0,
      clamped: 0,
      skewCorrected: 0,
    });
    expect(batch.stored).toBe(997);
    expect(storedRows(batch)).toHaveLength(997);
    expect(batch.errors).toEqual([
      { line: 17, field: '(line)', message: expect.stringMatching(/^not valid JSON: /) },
      { line: 500, field: 'occurred_at', message: 'required field is missing' },
      {
        line: 1000,
        field: 'occurred_at',
        message: 'timestamp has no UTC offset; add Z or ±hh:mm (naive local times are ambiguous)',
      },
    ]);
    expect(batch.rejects).toEqual([
      {
        stream: 'signals',
        line: 17,
        field: '(line)',
        reason: batch.errors[0].message,
        raw: '{"event_id":"e17",',
      },
      {
        stream: 'signals',
        line: 500,
        field: 'occurred_at',
        reason: 'required field is missing',
        raw: lines[499],
      },
      {
        stream: 'signals',
        line: 1000,
        field: 'occurred_at',
        reason: batch.errors[2].message,
        raw: lines[999],
      },
    ]);
    expect(storedRows(batch).map((r) => r.event_id)).not.toContain('e500');
  });

  it('keeps the first copy of a repeated id, counts the repeats and the conflicting ones', async () => {
    const batch = await prepareBatch(
      'signals',
      parseBody(
        body(
          [
            signal('a', { type: 'first' }),
            signal('b'),
            signal('a', { type: 'first' }), // exact retry
            signal('a', { type: 'second' }), // same id, other content
            '{"bad"',
            signal('b'),
          ].join('\n'),
        ),
        ctx.limits,
      ),
      ctx,
    );
    expect(batch).toMatchObject({
      lines: 6,
      accepted: 5,
      rejected: 1,
      duplicates: 3,
      conflicts: 1,
    });
    expect(storedRows(batch).map((r) => [r.event_id, r.type])).toEqual([
      ['a', 'first'],
      ['b', 'view'],
    ]);
  });

  it('treats trigger versions as distinct ids', async () => {
    const trigger = (version?: number) => ({
      line: 1,
      raw: '',
      value: {
        trigger_id: 't',
        name: 'T',
        channel: 'email',
        signal_types: ['view'],
        window_ms: 1,
        success_types: ['purchase'],
        version,
      },
    });
    const batch = await prepareBatch('triggers', [trigger(), trigger(2), trigger(1)], ctx);
    expect(storedRows(batch).map((r) => `${String(r.trigger_id)}@${String(r.version)}`)).toEqual([
      't@1',
      't@2',
    ]);
    expect(batch.duplicates).toBe(1);
  });

  it('counts clamped and skew-corrected rows', async () => {
    const lines: ParsedLine[] = [
      signal('skewed', { sent_at: '2024-05-01T10:00:01Z' }),
      signal('future', { occurred_at: RECEIVED_AT + 25 * 3_600_000 }),
      signal('both', { occurred_at: '2024-05-05T00:00:00Z', sent_at: '2024-05-01T00:00:00Z' }),
      signal('plain'),
    ].map((raw, i) => ({ line: i + 1, raw, value: JSON.parse(raw) as unknown }));
    const batch = await prepareBatch('signals', lines, ctx);
    expect(batch).toMatchObject({ accepted: 4, clamped: 2, skewCorrected: 2 });
  });

  it('refuses invalid JSON and non-object lines as a whole in every stream', async () => {
    for (const stream of STREAMS) {
      const batch = await prepareBatch(
        stream,
        parseBody(body('{"x": }\n\n42\n["a"]\nnull\n'), ctx.limits),
        ctx,
      );
      expect(batch.errors).toEqual([
        { line: 1, field: '(line)', message: expect.stringMatching(/^not valid JSON: /) },
        { line: 3, field: '(line)', message: 'expected a JSON object (one row per line)' },
        { line: 4, field: '(line)', message: 'expected a JSON object (one row per line)' },
        { line: 5, field: '(line)', message: 'expected a JSON object (one row per line)' },
      ]);
      expect(batch).toMatchObject({ stream, lines: 4, accepted: 0, rejected: 4 });
      expect(batch.rejects.map((r) => [r.stream, r.line, r.raw])).toEqual([
        [stream, 1, '{"x": }'],
        [stream, 3, '42'],
        [stream, 4, '["a"]'],
        [stream, 5, 'null'],
      ]);
    }
  });

  it('rejects a line of invalid UTF-8 with a clear reason', async () => {
    const source = () =>
      Readable.from([
        Buffer.concat([
          Buffer.from(`${signal('ok')}\n{"event_id":"`),
          Buffer.from([0xc0, 0xaf]),
          Buffer.from('"}\n'),
        ]),
      ]);
    const batch = await prepareBatch('signals', parseBody(source(), ctx.limits), ctx);
    expect(batch.accepted).toBe(1);
    expect(batch.errors).toEqual([
      {
        line: 2,
        field: '(line)',
        message: 'not valid UTF-8 (the invalid bytes are shown as U+FFFD in raw)',
      },
    ]);
  });

  it('keeps at most 64 Ki characters of raw text and says so in the reason', async () => {
    const raw = `{"event_id":"${'x'.repeat(70_000)}"`;
    const batch = await prepareBatch('signals', parseBody(body(raw), ctx.limits), ctx);
    const [reject] = batch.rejects;
    expect(reject.raw).toBe(raw.slice(0, 65_536));
    expect(reject.reason).toMatch(
      /^not valid JSON: .* \(raw text truncated to its first 65536 of 70014 characters\)$/,
    );
    expect(batch.errors[0].message).not.toContain('truncated');
  });

  it('never cuts raw text inside a surrogate pair', async () => {
    const raw = `${'x'.repeat(65_535)}😀tail`;
    const batch = await prepareBatch(
      'signals',
      [{ line: 1, raw, parseError: 'not valid JSON' }],
      ctx,
    );
    expect(batch.rejects[0].raw).toBe('x'.repeat(65_535));
  });

  it('accepts a synchronous iterable, and enforces maxRows for it too', async () => {
    const lines = (n: number): ParsedLine[] =>
      Array.from({ length: n }, (_, i) => ({
        line: i + 1,
        raw: '',
        value: JSON.parse(signal(`e${i}`)) as unknown,
      }));
    const small = { ...ctx, limits: { ...ctx.limits, maxRows: 3 } };
    expect((await prepareBatch('signals', lines(3), small)).accepted).toBe(3);
    await expect(prepareBatch('signals', lines(4), small)).rejects.toThrow(IngestLimitError);
  });

  it('propagates the row limit from parseBody, accepting nothing', async () => {
    const text = Array.from({ length: 4 }, (_, i) => signal(`e${i}`)).join('\n');
    await expect(
      prepareBatch('signals', parseBody(body(text), { maxRows: 3 }), ctx),
    ).rejects.toThrow('more than 3 rows in one request (INGEST_MAX_ROWS)');
  });

  it('takes the lines of each body chunk together, and keeps the line order', async () => {
    const ids = Array.from({ length: 2500 }, (_, i) => `e${i}`);
    const text = ids.map((id) => signal(id)).join('\n');
    const chunks = () =>
      Readable.from(
        Array.from({ length: 7 }, (_, i) =>
          Buffer.from(text.slice(i * 100_000, (i + 1) * 100_000)),
        ),
      );
    const batch = await prepareBatch('signals', parseBodyBatches(chunks(), ctx.limits), ctx);
    expect(batch).toEqual(await prepareBatch('signals', parseBody(chunks(), ctx.limits), ctx));
    expect(storedRows(batch).map((r) => r.event_id)).toEqual(ids);
  });

  it('parses the lines read without parsing when it must, to the same batch', async () => {
    const text = [
      signal('a'),
      signal('b', { kind: 'predictive', properties: { x: [1, 'y'] } }),
      '{"event_id": "c", "person_id": "p1", "type": "view", "occurred_at": "2024-05-01T10:00:00Z"}',
      signal('a', { type: 'other' }),
      '{"event_id":"d",',
      '',
      '42',
      signal('e', { occurred_at: 1714557600000, sent_at: '2024-05-01T10:00:01Z' }),
      signal('f', { person_id: '' }),
    ].join('\n');
    const batch = await readAlikeParsed('signals', text);
    expect(batch).toMatchObject({
      lines: 8,
      accepted: 5,
      rejected: 3,
      duplicates: 1,
      conflicts: 1,
    });
  });

  it('reads firing properties the same with and without parsing; other properties conflict', async () => {
    const firing = (id: string, properties?: unknown) =>
      JSON.stringify({
        firing_id: id,
        trigger_id: 't',
        person_id: 'p1',
        decided_at: '2024-05-01T10:00:00.000Z',
        arm: 'treatment',
        ...(properties === undefined ? {} : { properties }),
      });
    const text = [
      firing('a', { tier: 'gold', orders: 3, vip: true }),
      firing('b'),
      firing('c', { tier: 'gold', country: null }),
      firing('d', { tier: { level: 1 } }),
      firing('a', { tier: 'gold', orders: 3, vip: true }), // exact retry
      firing('a', { tier: 'silver', orders: 3, vip: true }), // same id, other content
      firing('e', { ü: 'ß' }),
    ].join('\n');
    const batch = await readAlikeParsed('firings', text);
    expect(batch).toMatchObject({
      lines: 7,
      accepted: 5,
      rejected: 2,
      duplicates: 2,
      conflicts: 1,
    });
    expect(batch.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'properties.country'],
      [4, 'properties.tier'],
    ]);
    // A line stored as sent holds the object, which ClickHouse stores as its JSON text.
    const asText = (p: unknown) => (typeof p === 'string' ? p : JSON.stringify(p));
    expect(storedRows(batch).map((r) => [r.firing_id, asText(r.properties)])).toEqual([
      ['a', '{"orders":3,"tier":"gold","vip":true}'],
      ['b', '{}'],
      ['e', '{"ü":"ß"}'],
    ]);
  });

  it('a JSON-array body numbers rows by element', async () => {
    const text = `[${signal('a')}, {"event_id":"b"}, ${signal('c')}]`;
    const batch = await prepareBatch('signals', parseBody(body(text), ctx.limits), ctx);
    expect(batch.errors).toEqual([
      { line: 2, field: 'person_id', message: 'required field is missing' },
    ]);
    expect(batch.rejects[0].raw).toBe('{"event_id":"b"}');
    expect(storedRows(batch).map((r) => r.event_id)).toEqual(['a', 'c']);
  });
});

// JSON.parse reads 12345678901234567890 as 12345678901234567000, 9007199254740993 as
// 9007199254740992 and 1e400 as Infinity (which JSON.stringify writes as null): stored, the
// property would say another number than the one sent.
const LOSES_DIGITS = (read: string) =>
  `a whole number beyond ±9007199254740991 (2^53 − 1) loses digits as a JSON number (read as ${read}); send it as a string`;
const OUT_OF_RANGE =
  'a number beyond the range of a JSON number (read as Infinity); send it as a string';

describe('a device clock restarted at 1970', () => {
  // Received at 2024-05-01T12:00:00Z; each device sends 90 s after its event.
  it('is corrected when the line states sent_at, and refused at its line otherwise', async () => {
    const lines = [
      signal('a', { occurred_at: '1970-01-01T00:05:00.000Z', sent_at: '1970-01-01T00:06:30.000Z' }),
      signal('b', { occurred_at: '1970-01-01T00:05:00.000Z' }),
      signal('c', { occurred_at: '2100-01-01T00:00:00.000Z', sent_at: '1971-01-01T00:00:00Z' }),
      signal('d', { occurred_at: '1970-01-01T00:05:00Z', sent_at: null }),
      // a retry of a, stamped a second later: the same content
      signal('a', { occurred_at: '1970-01-01T00:05:00.000Z', sent_at: '1970-01-01T00:06:31.000Z' }),
    ];
    const batch = await readAlikeParsed('signals', lines.join('\n'));
    expect([batch.lines, batch.accepted, batch.duplicates, batch.conflicts]).toEqual([5, 2, 1, 0]);
    expect(batch.skewCorrected).toBe(1);
    expect(batch.errors).toEqual([
      { line: 2, field: 'occurred_at', message: 'year must be between 2000 and 2100 (UTC)' },
      {
        line: 3,
        field: 'occurred_at',
        message:
          'falls after 2100 after clock-skew correction (received_at − (sent_at − occurred_at)); check sent_at',
      },
      { line: 4, field: 'occurred_at', message: 'year must be between 2000 and 2100 (UTC)' },
    ]);
    expect(storedRows(batch).map((r) => [r.event_id, r.occurred_at, r.sent_at])).toEqual([
      ['a', '2024-05-01 11:58:30.000', '1970-01-01 00:06:30.000'],
    ]);
  });
});

describe('properties sent again with their keys in another order', () => {
  const firing = (id: string, properties: string) =>
    `{"firing_id":"${id}","trigger_id":"t","person_id":"p1","decided_at":"2024-05-01T10:00:00.000Z","arm":"treatment","properties":${properties}}`;
  const signalWith = (id: string, properties: string) =>
    `{"event_id":"${id}","person_id":"p1","type":"view","occurred_at":"2024-05-01T10:00:00.000Z","properties":${properties}}`;
  const propertiesOf = (batch: PreparedBatch) =>
    storedRows(batch).map((r) =>
      typeof r.properties === 'string' ? r.properties : JSON.stringify(r.properties),
    );

  it.each([
    [
      'signals',
      [
        signalWith('a', '{"tier":"gold","orders":3,"vip":true}'),
        signalWith('a', '{"vip":true,"tier":"gold","orders":3}'),
        signalWith('a', '{"orders": 3, "vip": true, "tier": "gold"}'),
        // nested objects too, at every depth; arrays keep their order
        signalWith('b', '{"z":{"y":2,"x":[{"q":1,"p":0}]},"a":1}'),
        signalWith('b', '{"a":1,"z":{"x":[{"p":0,"q":1}],"y":2}}'),
        // number spellings inside properties, as at the top level
        signalWith('c', '{"n":1,"m":{"k":2}}'),
        signalWith('c', '{"m":{"k":2.0},"n":1.0}'),
        signalWith('c', '{"n":1e0,"m":{"k":20e-1}}'),
        // a value that differs is still a conflict
        signalWith('a', '{"vip":false,"tier":"gold","orders":3}'),
      ],
      { lines: 9, accepted: 9, duplicates: 6, conflicts: 1 },
      [
        '{"orders":3,"tier":"gold","vip":true}',
        '{"a":1,"z":{"x":[{"p":0,"q":1}],"y":2}}',
        '{"m":{"k":2},"n":1}',
      ],
    ],
    [
      'firings',
      [
        firing('a', '{"tier":"gold","orders":3,"vip":true}'),
        firing('a', '{"vip":true,"orders":3.0,"tier":"gold"}'),
        firing('b', '{"b":"x","a":"y"}'),
      ],
      { lines: 3, accepted: 3, duplicates: 1, conflicts: 0 },
      ['{"orders":3,"tier":"gold","vip":true}', '{"a":"y","b":"x"}'],
    ],
  ] as const)(
    '%s: are a duplicate, not a conflict, and are stored with their keys sorted',
    async (stream, lines, counts, properties) => {
      const batch = await readAlikeParsed(stream, lines.join('\n'));
      expect(batch).toMatchObject(counts);
      expect(propertiesOf(batch)).toEqual(properties);
    },
  );

  it('hash alike across requests, so a later request stores the same content', async () => {
    const first = await readAlikeParsed('signals', signalWith('a', '{"b":2,"a":1}'));
    const again = await readAlikeParsed('signals', signalWith('a', '{"a":1,"b":2}'));
    expect(propertiesOf(first)).toEqual(['{"a":1,"b":2}']);
    expect(propertiesOf(again)).toEqual(['{"a":1,"b":2}']);
    expect(storedRows(again)[0].content_hash).toBe(storedRows(first)[0].content_hash);
  });
});

describe('numbers in properties that JSON cannot carry exactly', () => {
  const lines = [
    signal('e1', { properties: { ok: 1 } }).replace('"ok":1', '"big":12345678901234567890'),
    signal('e2', { properties: { ok: 1 } }).replace('"ok":1', '"n":1,"id64":9007199254740993'),
    signal('e3', { properties: { ok: 1 } }).replace('"ok":1', '"e":1e400'),
    signal('e4', { properties: { ok: 1 } }).replace('"ok":1', '"order":{"items":[{"n":2e+21}]}'),
    signal('e5', { properties: { max: 9007199254740991, min: -9007199254740991, x: 1.5e-300 } }),
  ];
  const refused = [
    { line: 1, field: 'properties.big', message: LOSES_DIGITS('12345678901234567000') },
    { line: 2, field: 'properties.id64', message: LOSES_DIGITS('9007199254740992') },
    { line: 3, field: 'properties.e', message: OUT_OF_RANGE },
    { line: 4, field: 'properties.order.items.0.n', message: LOSES_DIGITS('2e+21') },
  ];

  it.each([
    ['NDJSON lines', () => parseBody(body(lines.join('\n')), ctx.limits)],
    [
      'NDJSON lines read without parsing',
      () => parseBody(body(lines.join('\n')), { ...ctx.limits, parse: false }),
    ],
    ['a JSON array', () => parseBody(body(`[${lines.join(',')}]`), ctx.limits)],
    // as the GraphQL mutation hands them over: the parsed value, and its JSON.stringify text
    [
      'parsed rows',
      () =>
        lines.map((raw, i): ParsedLine => {
          const value: unknown = JSON.parse(raw);
          return { line: i + 1, raw: JSON.stringify(value), value };
        }),
    ],
  ])('are refused naming the line and the property, from %s', async (_, source) => {
    const batch = await prepareBatch('signals', source(), ctx);
    expect(batch.errors).toEqual(refused);
    expect(storedRows(batch).map((row) => [row.event_id, row.properties])).toEqual([
      ['e5', '{"max":9007199254740991,"min":-9007199254740991,"x":1.5e-300}'],
    ]);
  });

  it('are refused in firing properties, and an amount read as Infinity from a JSON array', async () => {
    const firing = JSON.stringify({
      firing_id: 'f1',
      trigger_id: 't',
      person_id: 'p1',
      decided_at: '2024-05-01T10:00:00Z',
      arm: 'treatment',
      properties: { account: 1 },
    }).replace('"account":1', '"account":-9007199254740993');
    const batch = await prepareBatch('firings', parseBody(body(`[${firing}]`), ctx.limits), ctx);
    expect(batch.errors).toEqual([
      { line: 1, field: 'properties.account', message: LOSES_DIGITS('-9007199254740992') },
    ]);
    const outcome = `{"outcome_id":"o1","person_id":"p1","type":"purchase","occurred_at":"2024-05-01T10:00:00Z","value":1e400}`;
    const amounts = await prepareBatch(
      'outcomes',
      parseBody(body(`[${outcome}]`), ctx.limits),
      ctx,
    );
    expect(amounts.errors).toEqual([
      {
        line: 1,
        field: 'value',
        message: 'expected a finite number or a decimal string such as "19.99"',
      },
    ]);
  });
});

describe('prepareBatch in every JSON dialect', () => {
  const program = generateProgram({
    seed: 5,
    persons: 50,
    start: '2024-04-01T00:00:00Z',
    plantedBlockRows: PROGRAM_BLOCK_ROWS,
  });
  const keyOf = {
    ...Object.fromEntries(STREAMS.map((s) => [s, 'event_id'])),
    firings: 'firing_id',
    outcomes: 'outcome_id',
    triggers: 'trigger_id',
  } as Record<StreamName, string>;
  const bad: Record<string, unknown>[] = [
    { event_id: 'bad-1', person_id: 'p1' },
    {
      firing_id: 'bad-2',
      outcome_id: 'bad-2',
      person_id: 'p1',
      occurred_at: '2024-05-01T10:00:00+02:00',
      decided_at: 'yesterday',
      type: 7,
      arm: 'both',
    },
    {
      event_id: '',
      firing_id: '',
      outcome_id: '',
      person_id: 'p1',
      signal_id: 's',
      occurred_at: 1714557600000.5,
    },
  ];

  async function answer(stream: StreamName, dialect: DialectName) {
    const rows = [
      ...(program.rows[stream] as unknown as object[]),
      ...bad,
      (program.rows[stream] as unknown as object[])[0],
    ];
    const text = rows.map((row) => inDialect(JSON.stringify(row), dialect)).join('\n');
    // the whole program in one request, however many rows its generator makes
    const whole = { ...ctx, limits: { ...ctx.limits, maxRows: rows.length } };
    const batch = await prepareBatch(
      stream,
      parseBodyBatches(body(text), { maxRows: rows.length, parse: false }),
      whole,
    );
    const stored = storedRows(batch);
    const { ignoredFields, ...answer } = batchResult(batch);
    return {
      answer,
      ignoredFields,
      ids: stored.map((row) => row[keyOf[stream]]),
      hashes: stored.map((row) => String(row.content_hash)),
    };
  }

  it.each(STREAMS.filter((s) => s !== 'triggers'))(
    '%s: the same answer, ids and rejections',
    async (stream) => {
      const plain = await answer(stream, 'stringify');
      expect(plain.answer.rejected).toBe(3);
      expect(plain.answer.duplicates).toBe(1);
      expect(plain.ignoredFields).toContainEqual({
        field: 'signal_id',
        lines: 1,
        suggestion: stream === 'firings' ? 'signal_event_id' : null,
      });
      for (const dialect of DIALECT_NAMES) {
        const other = await answer(stream, dialect);
        expect(other.answer).toEqual(plain.answer);
        expect(other.ids).toEqual(plain.ids);
        // Python, Go and the reordering dialect order the keys of `properties` their way: the
        // same content, stored with its keys sorted.
        expect(other.hashes).toEqual(plain.hashes);
        if (dialect === 'unknownFields') {
          const lines = (program.rows[stream] as unknown[]).length + bad.length + 1;
          expect(other.ignoredFields).toEqual([
            {
              field: 'signal_id',
              lines,
              suggestion: stream === 'firings' ? 'signal_event_id' : null,
            },
            { field: 'sdk.context', lines, suggestion: null },
            ...plain.ignoredFields.filter((f) => f.field !== 'signal_id'),
          ]);
        } else {
          expect(new Set(other.ignoredFields)).toEqual(new Set(plain.ignoredFields));
        }
      }
    },
  );
});

describe('ignoredFields', () => {
  it('counts the lines carrying each unknown field, kept or rejected, with a suggestion', async () => {
    const lines = [
      '{"firing_id":"f1","trigger_id":"t","person_id":"p","decided_at":"2024-05-01T10:00:00.000Z","arm":"treatment","signal_id":"s1"}',
      '{"firing_id": "f2", "trigger_id": "t", "person_id": "p", "decided_at": "2024-05-01T10:00:00Z", "arm": "holdout", "signal_id": "s2", "dispatchedAt": null}',
      '{"firing_id":"f3","trigger_id":"t","person_id":"p","decided_at":"2024-05-01T10:00:00.000Z","arm":"control","signal_id":"s3","skipReason":"cap"}',
      '{"firing_id":"f\\u0034","trigger_id":"t","person_id":"p","decided_at":"2024-05-01T10:00:00.000Z","arm":"treatment","colour":"red"}',
    ];
    for (const parse of [false, true]) {
      const batch = await prepareBatch(
        'firings',
        parseBodyBatches(body(lines.join('\n')), { maxRows: 100, parse }),
        ctx,
      );
      expect({ accepted: batch.accepted, rejected: batch.rejected }).toEqual({
        accepted: 3,
        rejected: 1,
      });
      expect(batch.ignoredFields).toEqual([
        { field: 'signal_id', lines: 3, suggestion: 'signal_event_id' },
        { field: 'dispatchedAt', lines: 1, suggestion: 'dispatched_at' },
        { field: 'skipReason', lines: 1, suggestion: 'skip_reason' },
        { field: 'colour', lines: 1, suggestion: null },
      ]);
    }
  });

  it("names a key its object does not know inside a trigger's definition, dotted", async () => {
    // the object's schema drops such a key: a mistyped lookback would leave the suppression
    // definition empty and the answer silent
    const line = JSON.stringify({
      trigger_id: 't',
      version: 1,
      name: 'Cart',
      channel: 'push',
      status: 'draft',
      frequency_cap: { max: 3, per_ms: 1000, per_day: 2 },
      suppression: { converted_lookback: 86_400_000 },
      windw_ms: 5,
    });
    const batch = await prepareBatch(
      'triggers',
      parseBodyBatches(body(line), { maxRows: 100, parse: false }),
      ctx,
    );
    expect(batch.accepted).toBe(1);
    expect(batch.ignoredFields).toEqual([
      { field: 'frequency_cap.per_day', lines: 1, suggestion: null },
      {
        field: 'suppression.converted_lookback',
        lines: 1,
        suggestion: 'suppression.converted_lookback_ms',
      },
      { field: 'windw_ms', lines: 1, suggestion: 'window_ms' },
    ]);
  });
});
