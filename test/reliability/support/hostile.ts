import fc from 'fast-check';
import { isUtf8 } from 'node:buffer';
import { STREAMS, type StreamName } from '../../../libs/ingest/index.js';

export { STREAMS };
export type Stream = StreamName;

/** A valid row of each stream; `u` makes every id of the row unique to one line. */
export function validRow(stream: Stream, u: string): Record<string, unknown> {
  const at = '2026-10-02T10:00:00Z';
  switch (stream) {
    case 'signals':
      return {
        event_id: `e-${u}`,
        person_id: `p-${u}`,
        type: 'cart',
        occurred_at: at,
        source: 'fuzz',
        properties: { sku: 'a' },
      };
    case 'triggers':
      return {
        trigger_id: `t-${u}`,
        name: 'fuzz',
        channel: 'email',
        signal_types: ['cart'],
        window_ms: 60_000,
        success_types: ['purchase'],
        holdout_pct: 0.1,
        frequency_cap: { max: 2, per_ms: 86_400_000 },
      };
    case 'firings':
      return {
        firing_id: `f-${u}`,
        trigger_id: 'fuzz',
        person_id: `p-${u}`,
        decided_at: at,
        arm: 'treatment',
        signal_at: 1_790_000_000_000,
      };
    case 'exposures':
      return { firing_id: `f-${u}`, type: 'delivered', occurred_at: at };
    case 'outcomes':
      return {
        outcome_id: `o-${u}`,
        person_id: `p-${u}`,
        type: 'purchase',
        occurred_at: at,
        value: 12.5,
        currency: 'EUR',
      };
    case 'consent':
      return { person_id: `p-${u}`, purpose: 'email', granted: true, occurred_at: at };
  }
}

/** Fields that make up a row's identity: a hostile string put there is made unique per line. */
const IDENTITY_FIELDS = new Set(['event_id', 'trigger_id', 'firing_id', 'outcome_id', 'person_id']);

const hostileStrings = [
  "'; DROP TABLE signals; --",
  "1' OR '1'='1",
  '{tenantId:String}',
  "') UNION ALL SELECT * FROM api_keys --",
  '\\N',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '\u0000',
  'nul\u0000inside',
  '\ud800',
  'lone \udfff surrogate',
  '\u202eright-to-left',
  '\u200bzero-width',
  '💥🙂',
  '',
  '   ',
  'NaN',
  'Infinity',
  '1e309',
  '0001-01-01T00:00:00Z',
  '1899-12-31T23:59:59Z',
  '9999-12-31T23:59:59Z',
  '+275760-09-13T00:00:00Z',
  '2026-02-30T10:00:00Z',
  '2026-10-02T25:00:00Z',
  '2026-10-02',
  '2026-10-02T10:00:00',
  '2100-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
];

const hostileNumbers = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  -1,
  0.5,
  1e20,
  -8.64e15,
  8.64e15,
  Number.MAX_SAFE_INTEGER + 2,
  1_790_000_000,
  4_102_444_800_000,
  2 ** 32,
];

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) {
    value = i % 2 === 0 ? { deeper: value } : [value];
  }
  return value;
}

/** A value of any JSON type, biased to what breaks parsers, validators and SQL. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...hostileStrings),
  fc.constantFrom(...hostileNumbers),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 20 }).map((s) => s.repeat(200)),
  fc.integer({ min: 4000, max: 70_000 }).map((n) => 'x'.repeat(n)),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 5, max: 3000 }).map(nested),
);

export type Mutation =
  | { op: 'delete'; field: number }
  | { op: 'set'; field: number; value: unknown }
  | { op: 'extra'; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), field: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), field: fc.nat(), value: hostileValue }),
  fc.record({
    op: fc.constant('extra' as const),
    key: fc.oneof(
      fc.constantFrom(
        'tenant_id',
        'received_at',
        'content_hash',
        'constructor',
        'toString',
        'kind_',
        '',
      ),
      fc.string({ unit: 'binary', maxLength: 12 }).map((k) => `x_${k}`),
    ),
    value: hostileValue,
  }),
);

const hostileText = fc.oneof(
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '{"event_id": NaN}',
    '{"value": Infinity}',
    '{',
    '}',
    '[',
    'null',
    'true',
    '0',
    '"a string"',
    '{}',
    '[]',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}{"b":2}',
    '{"event_id":"\\u0000"}',
    '{"event_id":"\\ud800","person_id":"p","type":"t","occurred_at":"2026-10-02T10:00:00Z"}',
    '{"__proto__":{"polluted":true},"event_id":"proto"}',
    '1e999999',
    '\u0000\u0000',
    '\ufeff{"a":1}',
  ),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.json({ maxDepth: 4 }),
  fc.integer({ min: 100, max: 50_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 100, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
);

const invalidUtf8: fc.Arbitrary<readonly number[]> = fc.oneof(
  fc.constantFrom<readonly number[]>(
    [0xff],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xe2, 0x82],
    [0xf4, 0x90, 0x80, 0x80],
    [0x00],
    [0xfe, 0xff],
  ),
  fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 6 }),
);

/** One generated line: a valid row (maybe mutated), hostile text, raw bytes, or a blank. */
export type LineSpec =
  | { kind: 'row'; mutations: Mutation[] }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: readonly number[]; inside: boolean }
  | { kind: 'blank'; text: string };

export const lineSpec: fc.Arbitrary<LineSpec> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('row' as const),
      mutations: fc.constant([] as Mutation[]),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('row' as const),
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('text' as const), text: hostileText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      bytes: invalidUtf8,
      inside: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('blank' as const),
      text: fc.constantFrom('', ' ', '\t', '\r', '\u00a0', '\ufeff'),
    }),
  },
);

export interface BodySpec {
  lines: LineSpec[];
  separator: '\n' | '\r\n';
  bom: boolean;
  trailingNewline: boolean;
}

export const ndjsonBody: fc.Arbitrary<BodySpec> = fc.record({
  lines: fc.array(lineSpec, { minLength: 1, maxLength: 25 }),
  separator: fc.constantFrom('\n' as const, '\r\n' as const),
  bom: fc.boolean(),
  trailingNewline: fc.boolean(),
});

let counter = 0;
/** A suffix unique to this run of the suite and this line. */
function unique(): string {
  counter += 1;
  return `${process.pid}-${Date.now().toString(36)}-${counter}`;
}

function mutated(stream: Stream, mutations: Mutation[], u: string): Record<string, unknown> {
  const row = validRow(stream, u);
  for (const m of mutations) {
    const keys = Object.keys(row);
    if (m.op === 'extra') {
      if (!(m.key in row)) {
        row[m.key] = m.value;
      }
      continue;
    }
    const field = keys[m.field % keys.length];
    if (m.op === 'delete') {
      delete row[field];
    } else {
      row[field] =
        typeof m.value === 'string' && IDENTITY_FIELDS.has(field) ? `${m.value}${u}` : m.value;
    }
  }
  return row;
}

/** The bytes of a body, and the physical line of each unmutated valid row in it. */
export function materialize(
  stream: Stream,
  spec: BodySpec,
): { body: Buffer; validRowLines: number[] } {
  const parts: Buffer[] = [];
  const validRowLines: number[] = [];
  let newlines = 0;
  const push = (buffer: Buffer) => {
    parts.push(buffer);
    newlines += buffer.filter((b) => b === 0x0a).length;
  };
  if (spec.bom) {
    push(Buffer.from([0xef, 0xbb, 0xbf]));
  }
  spec.lines.forEach((line, index) => {
    if (index > 0) {
      push(Buffer.from(spec.separator));
    }
    switch (line.kind) {
      case 'row': {
        if (line.mutations.length === 0) {
          validRowLines.push(newlines + 1);
        }
        push(Buffer.from(JSON.stringify(mutated(stream, line.mutations, unique())) ?? 'null'));
        break;
      }
      case 'text':
        push(Buffer.from(line.text));
        break;
      case 'bytes':
        push(
          line.inside
            ? Buffer.concat([
                Buffer.from('{"event_id":"'),
                Buffer.from(line.bytes),
                Buffer.from('","x":1}'),
              ])
            : Buffer.from(line.bytes),
        );
        break;
      case 'blank':
        push(Buffer.from(line.text));
        break;
    }
  });
  if (spec.trailingNewline) {
    push(Buffer.from(spec.separator));
  }
  return { body: Buffer.concat(parts), validRowLines };
}

export interface ArrayBodySpec {
  elements: ({ kind: 'row'; mutations: Mutation[] } | { kind: 'value'; value: unknown })[];
  cut: number | undefined;
}

/** A JSON-array body of valid and mutated rows (or hostile values), whole or cut short. */
export const arrayBody: fc.Arbitrary<ArrayBodySpec> = fc.record({
  elements: fc.array(
    fc.oneof(
      fc.record({
        kind: fc.constant('row' as const),
        mutations: fc.array(mutation, { maxLength: 2 }),
      }),
      fc.record({ kind: fc.constant('value' as const), value: hostileValue }),
    ),
    { maxLength: 20 },
  ),
  cut: fc.option(fc.nat(), { nil: undefined }),
});

export function materializeArray(stream: Stream, spec: ArrayBodySpec): Buffer {
  const values = spec.elements.map((e) =>
    e.kind === 'row' ? mutated(stream, e.mutations, unique()) : e.value,
  );
  const text = JSON.stringify(values);
  return Buffer.from(spec.cut === undefined ? text : text.slice(0, spec.cut % text.length));
}

const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * The elements of a JSON-array body that is not JSON as a whole, by the README's rule: what lies
 * between the top-level commas of `[ ... ]` (nothing after it) is one element each; 1 (one bad
 * line) when the text is no such array. Strings are replaced first, then the nesting is followed.
 */
function elementsOfBrokenArray(text: string): number {
  const bare = text.replace(/"(?:[^"\\]|\\[\s\S])*"/g, '0').trim();
  if (bare.includes('"') || !bare.startsWith('[')) {
    return 1;
  }
  let depth = 0;
  let commas = 0;
  for (let i = 0; i < bare.length; i++) {
    const char = bare[i];
    if (char === '[' || char === '{') {
      depth++;
    } else if (char === ']' || char === '}') {
      depth--;
      if (depth === 0) {
        const whole = char === ']' && bare.slice(i + 1).trim() === '';
        return whole ? (commas === 0 && bare.slice(1, i).trim() === '' ? 0 : commas + 1) : 1;
      }
    } else if (char === ',' && depth === 1) {
      commas++;
    }
  }
  return 1;
}

/**
 * Lines the service must answer for (accepted + rejected), from the design's rules: a body whose first
 * significant character is `[` is one JSON array (one line per element, element by element when
 * it is not JSON as a whole, one bad line when it is not an array of elements at all); otherwise
 * every line that is not blank counts, blank lines do not.
 */
export function linesSent(body: Buffer): number {
  let i = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  while (i < body.length && JSON_WHITESPACE.has(body[i])) {
    i++;
  }
  if (i >= body.length) {
    return 0;
  }
  if (body[i] === 0x5b) {
    if (!isUtf8(body)) {
      return 1;
    }
    try {
      const value: unknown = JSON.parse(body.toString('utf8').replace(/^\ufeff/, ''));
      return Array.isArray(value) ? value.length : 1;
    } catch {
      return elementsOfBrokenArray(body.toString('utf8').replace(/^\ufeff/, ''));
    }
  }
  let count = 0;
  let start = 0;
  for (;;) {
    const end = body.indexOf(0x0a, start);
    const line = body.subarray(start, end === -1 ? body.length : end);
    const text = line.toString('utf8').replace(/\r$/, '');
    if (text.trim() !== '') {
      count++;
    }
    if (end === -1) {
      return count;
    }
    start = end + 1;
  }
}
