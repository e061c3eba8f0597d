import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateProgram } from '../demo/index.js';
import { PROGRAM_BLOCK_ROWS } from './corpus.testing.js';
import { personIdHash } from '../lifecycle/erased-persons.js';
import { DIALECT_NAMES, inDialect } from './dialects.testing.js';
import { IngestLimitError } from './limit-error.js';
import { limitedBody } from './limited-body.js';
import { parseBodyBatches } from './parse-body.js';
import { prepareBatch } from './prepare-batch.js';
import { PreparePool, validationThreads } from './prepare-pool.js';
import type { JobContext } from './prepare-protocol.js';
import { STREAMS, type StreamName } from './streams.js';
import type { PreparedBatch } from './types.js';

// The validation thread runs the built script, as the API does: `npm run build` (or CI's
// `nest build api`) writes it. Without it this suite is skipped, or under CI=true it fails.
const SCRIPT = pathToFileURL(
  join(import.meta.dirname, '..', '..', 'dist', 'libs', 'ingest', 'prepare.worker.js'),
);
const built = existsSync(SCRIPT);
if (!built) {
  if (process.env.CI === 'true') {
    throw new Error(`CI=true and the built validation thread is missing: ${SCRIPT.pathname}`);
  }
  process.stderr.write(`skipping the validation thread suite: build first (${SCRIPT.pathname})\n`);
}
const suite = built ? describe : describe.skip;

const RECEIVED_AT = Date.UTC(2024, 4, 1, 12);
const LIMITS = { maxRows: 100_000, maxFieldChars: 4096, maxBodyBytes: 10 * 1024 * 1024 };

function contextFor(stream: StreamName, extra: Partial<JobContext> = {}): JobContext {
  return { stream, tenantId: 'tenant-a', receivedAt: RECEIVED_AT, limits: LIMITS, ...extra };
}

/**
 * The body cut into chunks of `size` bytes, cutting lines and characters anywhere, each arriving
 * in a later turn of the event loop, as from a socket.
 */
async function* chunked(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) {
    await nextTurn();
    yield bytes.subarray(at, at + size);
  }
}

/** What the API's own thread makes of the same body. */
function onThisThread(context: JobContext, text: string) {
  return prepareBatch(
    context.stream,
    parseBodyBatches(chunked(text, 4096), { maxRows: context.limits.maxRows, parse: false }),
    {
      tenantId: context.tenantId,
      receivedAt: context.receivedAt,
      limits: context.limits,
    },
  );
}

/** Everything a batch says, its kept rows as text. */
function whole(batch: PreparedBatch) {
  const { ndjsonBytes, ...rest } = batch;
  return { ...rest, ndjson: batch.ndjson, bytes: ndjsonBytes.length };
}

suite('PreparePool', () => {
  let pool: PreparePool;
  beforeAll(() => {
    pool = new PreparePool(2, SCRIPT);
  });
  afterAll(async () => {
    await pool.close();
  });

  const program = generateProgram({
    seed: 11,
    persons: 40,
    start: '2024-04-01T00:00:00Z',
    plantedBlockRows: PROGRAM_BLOCK_ROWS,
  });
  const awkward = [
    '{"event_id":"e-bad",', // not JSON
    '',
    '{"event_id":"é-1","firing_id":"é-1","outcome_id":"é-1","person_id":"p\\u00e9"}',
    '[1,2]',
  ];

  it.each(STREAMS)(
    'answers for %s exactly what the API thread answers, in every dialect, whatever the chunks',
    async (stream) => {
      const rows = program.rows[stream] as unknown as object[];
      for (const dialect of DIALECT_NAMES) {
        const lines = rows.map((row) => inDialect(JSON.stringify(row), dialect));
        // a copy of a line, another in other spacing, and lines no stream takes
        lines.push(lines[0], lines[1].replace('"', ' "'), ...awkward);
        const text = lines.join('\r\n');
        const expected = whole(await onThisThread(contextFor(stream), text));
        for (const size of [4093, 65_536]) {
          const batch = await pool.prepare(contextFor(stream), chunked(text, size));
          expect(whole(batch)).toEqual(expected);
        }
        expect(expected.accepted).toBeGreaterThanOrEqual(rows.length);
        expect(expected.rejected).toBeGreaterThanOrEqual(3);
      }
    },
  );

  it('takes a JSON array body as the API thread does', async () => {
    const text = JSON.stringify(program.rows.firings);
    const batch = await pool.prepare(contextFor('firings'), chunked(text, 1000));
    expect(whole(batch)).toEqual(whole(await onThisThread(contextFor('firings'), text)));
    expect(batch.stored).toBe(program.rows.firings.length);
  });

  it('refuses the lines of an erased person, keeping no raw text, and stores the others', async () => {
    const pepper = 'pepper-for-the-spec';
    const erased = {
      tenantId: 'tenant-a',
      hashes: [personIdHash('tenant-a', 'p2', pepper)],
      firingHashes: [],
      pepper,
    };
    const text = ['p1', 'p2', 'p3', 'p2']
      .map((person, i) =>
        JSON.stringify({
          event_id: `e${i}`,
          person_id: person,
          type: 'view',
          occurred_at: '2024-05-01T10:00:00.000Z',
        }),
      )
      .join('\n');
    const batch = await pool.prepare(contextFor('signals', { erased }), chunked(text, 50));
    expect(batch.accepted).toBe(2);
    expect(batch.errors).toEqual([
      { line: 2, field: 'person_id', message: 'erased' },
      { line: 4, field: 'person_id', message: 'erased' },
    ]);
    expect(batch.rejects.map((r) => r.raw)).toEqual(['', '']);
    expect(batch.ndjson).not.toContain('"p2"');
    expect(
      batch.ndjson.split('\n').map((line) => (JSON.parse(line) as { event_id: string }).event_id),
    ).toEqual(['e0', 'e2']);
  });

  it("refuses the exposures of an erased person's firings, keeping no raw text", async () => {
    const pepper = 'pepper-for-the-spec';
    const erased = {
      tenantId: 'tenant-a',
      hashes: [personIdHash('tenant-a', 'p2', pepper)],
      // the keyed hash of firing f2's id, made as the person's is
      firingHashes: [createHmac('sha256', pepper).update('tenant-a\nf2').digest('hex')],
      pepper,
    };
    const text = ['f1', 'f2', 'f3']
      .map((firing) =>
        JSON.stringify({ firing_id: firing, type: 'clicked', occurred_at: '2024-05-01T10:00:00Z' }),
      )
      .join('\n');
    const batch = await pool.prepare(contextFor('exposures', { erased }), chunked(text, 50));
    expect(batch.accepted).toBe(2);
    expect(batch.errors).toEqual([{ line: 2, field: 'firing_id', message: 'erased' }]);
    expect(batch.rejects).toEqual([
      { stream: 'exposures', line: 2, field: 'firing_id', reason: 'erased', raw: '' },
    ]);
    expect(batch.ndjson).not.toContain('"f2"');
  });

  it('refuses a body over the row limit as the API thread does, without reading the rest', async () => {
    const line = `${JSON.stringify({ event_id: 'x', person_id: 'p', type: 'view', occurred_at: '2024-05-01T10:00:00.000Z' })}\n`;
    const context = contextFor('signals', { limits: { ...LIMITS, maxRows: 100 } });
    let pulled = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        await nextTurn();
        pulled++;
        yield Buffer.from(line.repeat(50));
      }
    }
    const refusal = pool.prepare(context, endless());
    await expect(refusal).rejects.toThrow(IngestLimitError);
    await expect(refusal).rejects.toThrow('more than 100 rows in one request (INGEST_MAX_ROWS)');
    // 3 chunks reach the limit; the body is read at most a few chunks further (CHUNKS_AHEAD).
    expect(pulled).toBeLessThan(3 + 8);
  });

  it('fails a request whose body fails, and goes on with the next', async () => {
    const text = program.rows.signals.map((row) => JSON.stringify(row)).join('\n');
    const tooLong = limitedBody(chunked(text, 1000), 2500);
    await expect(pool.prepare(contextFor('signals'), tooLong)).rejects.toThrow(
      'request body larger than 2500 bytes (INGEST_MAX_BODY_BYTES)',
    );
    const next = await pool.prepare(contextFor('signals'), chunked(text, 1000));
    expect(next.accepted).toBe(program.rows.signals.length);
  });

  it('validates requests at once on several threads, each its own answer', async () => {
    const bodies = STREAMS.flatMap((stream) =>
      [0, 1].map((copy) => ({
        stream,
        text: (program.rows[stream] as unknown as object[])
          .slice(copy * 3)
          .map((row) => JSON.stringify(row))
          .join('\n'),
      })),
    );
    const batches = await Promise.all(
      bodies.map(({ stream, text }) => pool.prepare(contextFor(stream), chunked(text, 3000))),
    );
    for (const [i, { stream, text }] of bodies.entries()) {
      expect(whole(batches[i])).toEqual(whole(await onThisThread(contextFor(stream), text)));
    }
  });
});

describe('validation threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'causeway-prepare-pool-'));

  it('fail the requests of a thread that stops, and the pool says why', async () => {
    const script = join(dir, 'stops.mjs');
    writeFileSync(
      script,
      "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n",
    );
    const pool = new PreparePool(1, pathToFileURL(script));
    try {
      await expect(pool.prepare(contextFor('signals'), chunked('{}', 10))).rejects.toThrow(
        'an ingest validation thread stopped: exit code 3',
      );
      // the next request gets a new thread (which stops as well here)
      await expect(pool.prepare(contextFor('signals'), chunked('{}', 10))).rejects.toThrow(
        'exit code 3',
      );
    } finally {
      await pool.close();
    }
  });

  it('refuse to start without their script, naming it and the way out', () => {
    const missing = pathToFileURL(join(dir, 'missing.js'));
    expect(() => new PreparePool(1, missing)).toThrow(
      `the ingest validation thread's script ${join(dir, 'missing.js')} is missing: run the built code (npm run build), or set INGEST_WORKERS=0`,
    );
  });

  it('are one fewer than the cores under auto, 2 to 4, none when not built', () => {
    const present = pathToFileURL(join(dir, 'present.js'));
    writeFileSync(join(dir, 'present.js'), '');
    expect([1, 2, 3, 4, 8, 64].map((cores) => validationThreads('auto', cores, present))).toEqual([
      2, 2, 2, 3, 4, 4,
    ]);
    expect(validationThreads('auto', 8, pathToFileURL(join(dir, 'missing.js')))).toBe(0);
    expect(validationThreads(0, 8, present)).toBe(0);
    expect(validationThreads(6, 2, present)).toBe(6);
  });
});
