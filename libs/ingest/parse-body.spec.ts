import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import { IngestLimitError } from './limit-error.js';
import { NOT_UTF8, parseBody } from './parse-body.js';
import type { ParsedLine } from './types.js';

/** A body arriving in the given chunks, as an HTTP request stream delivers it. */
function chunksOf(...chunks: (Buffer | string)[]): AsyncIterable<Buffer | string> {
  return Readable.from(chunks);
}

async function collect(
  source: AsyncIterable<Buffer | string>,
  maxRows = 1000,
): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const line of parseBody(source, { maxRows })) {
    out.push(line);
  }
  return out;
}

/** Splits a buffer at the given byte offsets. */
function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    parts.push(bytes.subarray(start, cut));
    start = cut;
  }
  return parts;
}

describe('parseBody: NDJSON', () => {
  it('numbers physical lines, skipping blank ones and tolerating \\r\\n', async () => {
    const body = '{"a":1}\r\n\r\n   \n{"b":2}\n\t\n{"c":3}';
    expect(await collect(chunksOf(body))).toEqual([
      { line: 1, raw: '{"a":1}', value: { a: 1 } },
      { line: 4, raw: '{"b":2}', value: { b: 2 } },
      { line: 6, raw: '{"c":3}', value: { c: 3 } },
    ]);
  });

  it('leaves lines unparsed when asked, still reporting invalid UTF-8', async () => {
    const body = Buffer.concat([
      Buffer.from('{"a":1}\n\nnot json\n{"b":"'),
      Buffer.from([0xc0, 0xaf]),
      Buffer.from('"}\n'),
    ]);
    const lines: ParsedLine[] = [];
    for await (const line of parseBody(chunksOf(body), { maxRows: 10, parse: false })) {
      lines.push(line);
    }
    expect(lines).toEqual([
      { line: 1, raw: '{"a":1}' },
      { line: 3, raw: 'not json' },
      { line: 4, raw: '{"b":"\uFFFD\uFFFD"}', parseError: NOT_UTF8 },
    ]);
  });

  it('reports a line that is not JSON and carries on', async () => {
    const lines = await collect(chunksOf('{"a":1}\n{"a":\n[1,2]\n"text"\n{"a":2}\n'));
    expect(lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[1]).toEqual({
      line: 2,
      raw: '{"a":',
      parseError: expect.stringMatching(/^not valid JSON: /),
    });
    // Valid JSON that is not an object is left for validation to refuse.
    expect(lines[2]).toEqual({ line: 3, raw: '[1,2]', value: [1, 2] });
    expect(lines[3]).toEqual({ line: 4, raw: '"text"', value: 'text' });
    expect(lines[4]).toEqual({ line: 5, raw: '{"a":2}', value: { a: 2 } });
  });

  it('keeps the message of a bad line well-formed when it quotes a character beyond U+FFFF', async () => {
    // V8 quotes the first code unit of "\u{10000}": half a surrogate pair, which a store refuses
    const [line] = await collect(chunksOf('\u{10000}\n'));
    expect(line.raw).toBe('\u{10000}');
    expect(line.parseError).toMatch(/^not valid JSON: /);
    // well-formed: it survives a round trip through UTF-8 unchanged
    expect(Buffer.from(line.parseError!, 'utf8').toString('utf8')).toBe(line.parseError);
  });

  it('refuses a raw NUL byte (not valid inside JSON)', async () => {
    const [line] = await collect(chunksOf(Buffer.from('{"a":"x\u0000y"}')));
    expect(line).toMatchObject({ line: 1, parseError: expect.stringMatching(/^not valid JSON/) });
  });

  it('reports invalid UTF-8 on its own line without crashing, and keeps real U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from('{"a":"ok"}\n{"a":"'),
      Buffer.from([0xff, 0xc3]),
      Buffer.from('"}\n{"a":"\uFFFD"}\n'),
    ]);
    expect(await collect(chunksOf(body))).toEqual([
      { line: 1, raw: '{"a":"ok"}', value: { a: 'ok' } },
      { line: 2, raw: '{"a":"\uFFFD\uFFFD"}', parseError: NOT_UTF8 },
      { line: 3, raw: '{"a":"\uFFFD"}', value: { a: '\uFFFD' } },
    ]);
  });

  it('strips a UTF-8 byte order mark', async () => {
    expect(await collect(chunksOf(Buffer.from('\uFEFF{"a":1}\n')))).toEqual([
      { line: 1, raw: '{"a":1}', value: { a: 1 } },
    ]);
  });

  it('yields nothing for an empty or blank body', async () => {
    expect(await collect(chunksOf())).toEqual([]);
    expect(await collect(chunksOf('', '\n \r\n'))).toEqual([]);
  });

  it('yields each line as soon as its chunk arrives, before the body ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slowSource() {
      yield Buffer.from('{"a":1}\n{"b"');
      await gate;
      yield Buffer.from(':2}\n');
    }
    const lines = parseBody(slowSource(), { maxRows: 10 });
    expect((await lines.next()).value).toEqual({ line: 1, raw: '{"a":1}', value: { a: 1 } });
    release();
    expect((await lines.next()).value).toEqual({ line: 2, raw: '{"b":2}', value: { b: 2 } });
    expect((await lines.next()).done).toBe(true);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source() {
      try {
        yield await Promise.resolve('{"a":1}\n{"a":2}\n');
        yield '{"a":3}\n';
      } finally {
        closed = true;
      }
    }
    for await (const line of parseBody(source(), { maxRows: 10 })) {
      expect(line.line).toBe(1);
      break;
    }
    expect(closed).toBe(true);
  });
});

describe('parseBody: chunk boundaries do not matter', () => {
  const body = Buffer.from(
    [
      '{"name":"Zoë","city":"Kraków"}',
      '',
      '{"emoji":"😀👍🏽","cjk":"日本語"}\r',
      '{"broken":',
      '  ',
      '[1,"é"]',
      '{"last":"€"}',
    ].join('\n'),
    'utf8',
  );

  it('every single cut point, including inside multi-byte characters, gives the same lines', async () => {
    const whole = await collect(chunksOf(body));
    expect(whole.map((l) => l.line)).toEqual([1, 3, 4, 6, 7]);
    expect(whole[1].value).toEqual({ emoji: '😀👍🏽', cjk: '日本語' });
    for (let cut = 0; cut <= body.length; cut++) {
      expect(await collect(chunksOf(...splitAt(body, [cut])))).toEqual(whole);
    }
  });

  it('one byte per chunk, and random three-way cuts, give the same lines', async () => {
    const whole = await collect(chunksOf(body));
    expect(
      await collect(
        chunksOf(
          ...splitAt(
            body,
            Array.from({ length: body.length - 1 }, (_, i) => i + 1),
          ),
        ),
      ),
    ).toEqual(whole);
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) % (body.length + 1);
    for (let i = 0; i < 50; i++) {
      const cuts = [random(), random()].sort((a, b) => a - b);
      expect(await collect(chunksOf(...splitAt(body, cuts)))).toEqual(whole);
    }
  });

  it('lines of invalid UTF-8, a BOM and Unicode blanks read the same at every cut point', async () => {
    const mixed = Buffer.concat([
      Buffer.from('\uFEFF{"a":1}\r\n{"b":"'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('"}\n\u00a0\u2028 \n\u00e9\n\n{"c":"\u00e9"}\r\n'),
    ]);
    const whole = await collect(chunksOf(mixed));
    expect(whole).toEqual([
      { line: 1, raw: '{"a":1}', value: { a: 1 } },
      { line: 2, raw: '{"b":"\uFFFD"}', parseError: NOT_UTF8 },
      { line: 4, raw: '\u00e9', parseError: expect.stringMatching(/^not valid JSON: /) },
      { line: 6, raw: '{"c":"\u00e9"}', value: { c: '\u00e9' } },
    ]);
    for (let cut = 0; cut <= mixed.length; cut++) {
      expect(await collect(chunksOf(...splitAt(mixed, [cut])))).toEqual(whole);
    }
  });

  it('part of a byte order mark is a line of its own, whatever follows and wherever it is cut', async () => {
    const invalid = (line: number, raw: string) => ({ line, raw, parseError: NOT_UTF8 });
    const cases: [number[], ReturnType<typeof invalid>[]][] = [
      [[0xef], [invalid(1, '\uFFFD')]],
      [[0xef, 0x0a], [invalid(1, '\uFFFD')]],
      [[0xef, 0xbb], [invalid(1, '\uFFFD')]],
      [[0x0a, 0xef, 0xbb, 0x20], [invalid(2, '\uFFFD ')]],
      [[0xef, 0xbb, 0x0a, 0x0a], [invalid(1, '\uFFFD')]],
      // 0xBF where the mark's third byte would be, after a space: not a mark either
      [[0xef, 0x20, 0xbf], [invalid(1, '\uFFFD \uFFFD')]],
      [[0xef, 0xbb, 0xbf, 0x20, 0x0a], []],
      [[0xef, 0xbb, 0xbf, 0xef, 0x0a], [invalid(1, '\uFFFD')]],
    ];
    for (const [bytes, expected] of cases) {
      const body = Buffer.from(bytes);
      for (let cut = 0; cut <= body.length; cut++) {
        expect(await collect(chunksOf(...splitAt(body, [cut])))).toEqual(expected);
      }
    }
    // followed by an array: the body does not start with "[", so it is one line of NDJSON
    expect(await collect(chunksOf(Buffer.from([0xef, 0x5b, 0x5d])))).toEqual([
      invalid(1, '\uFFFD[]'),
    ]);
  });

  it('string chunks split inside a surrogate pair give the same lines', async () => {
    const text = '{"emoji":"😀"}\n{"b":1}\n';
    const inside = text.indexOf('😀') + 1;
    expect(await collect(chunksOf(text.slice(0, inside), text.slice(inside)))).toEqual(
      await collect(chunksOf(text)),
    );
    expect((await collect(chunksOf(text.slice(0, inside), text.slice(inside))))[0].value).toEqual({
      emoji: '😀',
    });
  });
});

describe('parseBody: JSON array', () => {
  it('yields each element with line = index + 1 and raw re-serialized', async () => {
    const body = '\uFEFF\n  [ {"a": 1},\n {"b": "é"}, 7, [1] ]\n';
    expect(await collect(chunksOf(body))).toEqual([
      { line: 1, raw: '{"a":1}', value: { a: 1 } },
      { line: 2, raw: '{"b":"é"}', value: { b: 'é' } },
      { line: 3, raw: '7', value: 7 },
      { line: 4, raw: '[1]', value: [1] },
    ]);
  });

  it('is recognized across chunks, after leading whitespace and a BOM', async () => {
    const body = Buffer.from('\uFEFF  \r\n [{"a":"日本"},{"b":2}]');
    const whole = await collect(chunksOf(body));
    expect(whole).toEqual([
      { line: 1, raw: '{"a":"日本"}', value: { a: '日本' } },
      { line: 2, raw: '{"b":2}', value: { b: 2 } },
    ]);
    for (let cut = 0; cut <= body.length; cut++) {
      expect(await collect(chunksOf(...splitAt(body, [cut])))).toEqual(whole);
    }
  });

  it('an empty array yields nothing', async () => {
    expect(await collect(chunksOf('[]'))).toEqual([]);
  });

  it('a body that is not valid JSON is one parse error at line 1', async () => {
    expect(await collect(chunksOf('[{"a":1},\n{"b":'))).toEqual([
      { line: 1, raw: '[{"a":1},\n{"b":', parseError: expect.stringMatching(/^not valid JSON: /) },
    ]);
    // NDJSON whose lines are arrays is read as one (invalid) array: the documented rule.
    expect(await collect(chunksOf('[1]\n[2]\n'))).toHaveLength(1);
  });

  it('refuses only the elements that are not JSON when the array is not JSON as a whole', async () => {
    // Python's json.dumps writes NaN for a float('nan'); strings may hold brackets, commas and quotes
    const body = '[{"a": "x,]}\\"["},\n {"b": NaN} , [1, {"c": 2}], {"d":}, 3]';
    expect(await collect(chunksOf(body))).toEqual([
      { line: 1, raw: '{"a":"x,]}\\"["}', value: { a: 'x,]}"[' } },
      { line: 2, raw: '{"b": NaN}', parseError: expect.stringMatching(/^not valid JSON: /) },
      { line: 3, raw: '[1,{"c":2}]', value: [1, { c: 2 }] },
      { line: 4, raw: '{"d":}', parseError: expect.stringMatching(/^not valid JSON: /) },
      { line: 5, raw: '3', value: 3 },
    ]);
    // a trailing comma leaves an empty last element, refused as such
    expect(await collect(chunksOf('[{"a":1},]'))).toEqual([
      { line: 1, raw: '{"a":1}', value: { a: 1 } },
      { line: 2, raw: '', parseError: expect.stringMatching(/^not valid JSON: /) },
    ]);
    // text after the array, or a brace closing what no brace opened: not an array of elements
    expect(await collect(chunksOf('[{"a":1}] x'))).toHaveLength(1);
    expect(await collect(chunksOf('[{"a":1}}, {"b":2}]'))).toEqual([
      {
        line: 1,
        raw: '[{"a":1}}, {"b":2}]',
        parseError: expect.stringMatching(/^not valid JSON: /),
      },
    ]);
  });

  it('holds an array refused element by element to the row limit', async () => {
    await expect(collect(chunksOf('[{}, NaN, {}, {}]'), 3)).rejects.toThrow(
      new IngestLimitError('rows', 3),
    );
  });

  it('a body that is not UTF-8 is one parse error at line 1', async () => {
    const [line] = await collect(chunksOf(Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])));
    expect(line).toEqual({ line: 1, raw: '["\uFFFD"]', parseError: NOT_UTF8 });
  });

  it('an element too deeply nested to re-serialize is a parse error, not a crash', async () => {
    const depth = 100_000;
    const body = `[{"a":1},${'['.repeat(depth)}${']'.repeat(depth)}]`;
    const lines = await collect(chunksOf(body));
    expect(lines[0]).toEqual({ line: 1, raw: '{"a":1}', value: { a: 1 } });
    expect(lines[1]).toEqual({ line: 2, raw: '', parseError: 'nested too deeply to process' });
  });
});

describe('parseBody: row limit', () => {
  it('allows exactly maxRows rows; blank lines do not count', async () => {
    expect(await collect(chunksOf('{}\n\n{}\n\n{}\n'), 3)).toHaveLength(3);
  });

  it('throws IngestLimitError naming the limit on NDJSON row maxRows + 1', async () => {
    const error = await collect(chunksOf('{}\n{}\n{}\n{}\n'), 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestLimitError);
    expect(error).toMatchObject({
      limit: 'rows',
      max: 3,
      message: 'more than 3 rows in one request (INGEST_MAX_ROWS)',
    });
  });

  it('throws before yielding anything for an array over the limit', async () => {
    const seen: ParsedLine[] = [];
    const run = async () => {
      for await (const line of parseBody(chunksOf('[{},{},{},{}]'), { maxRows: 3 })) {
        seen.push(line);
      }
    };
    await expect(run()).rejects.toThrow(new IngestLimitError('rows', 3));
    expect(seen).toEqual([]);
  });

  it('names the body limit too', () => {
    expect(new IngestLimitError('body', 10_485_760).message).toBe(
      'request body larger than 10485760 bytes (INGEST_MAX_BODY_BYTES)',
    );
  });
});
