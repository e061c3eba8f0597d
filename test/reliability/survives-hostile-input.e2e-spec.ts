import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { graphql, mintKey, storedRows, type IngestAnswer } from '../support/client.js';
import { startApi, type ApiProcess } from '../support/processes.js';
import { storedSignals } from './support/batches.js';
import { recordFigures } from './support/figures.js';
import {
  arrayBody,
  hostileValue,
  linesSent,
  materialize,
  materializeArray,
  ndjsonBody,
  STREAMS,
  validRow,
  type BodySpec,
  type Stream,
} from './support/hostile.js';

const SUITE = 'hostile-input';
/** Runs per stream and body kind; FAST_CHECK_RUNS raises them for a longer soak. */
const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 60);
/**
 * Bodies a run once found answered wrongly, sent on every run: a body that starts with the first
 * byte of a byte order mark and nothing else on its line was taken for an empty body.
 */
const FOUND: [BodySpec][] = [
  [
    {
      lines: [
        { kind: 'bytes', bytes: [0xef], inside: false },
        { kind: 'blank', text: '' },
      ],
      separator: '\n',
      bom: false,
      trailingNewline: false,
    },
  ],
];

describe('hostile NDJSON at every stream (fast-check, over HTTP)', () => {
  let api: ApiProcess;
  let key: string;
  let victimKey: string;
  /** Per stream: lines accepted minus copies within a request, as the answers said. */
  const acceptedRows = new Map<Stream, number>(STREAMS.map((s) => [s, 0]));
  let requests = 0;
  let lines = 0;
  let graphqlRows = 0;

  const send = async (stream: Stream, body: Buffer, contentType = 'application/x-ndjson') => {
    const response = await fetch(`${api.url}/v1/ingest/${stream}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      body,
    });
    const text = await response.text();
    requests += 1;
    return { status: response.status, text };
  };

  /** The promises every answer keeps, whatever the body. */
  const checkAnswer = (
    stream: Stream,
    body: Buffer,
    answer: { status: number; text: string },
    validRowLines: number[] = [],
  ) => {
    const sent = linesSent(body);
    lines += sent;
    if (answer.status !== 200) {
      throw new Error(
        `status ${answer.status} for a body of ${sent} lines: ${answer.text.slice(0, 300)}`,
      );
    }
    const result = JSON.parse(answer.text) as IngestAnswer;
    expect(result.accepted + result.rejected).toBe(sent);
    expect(result.errors).toHaveLength(result.rejected);
    const rejectedLines = new Set(result.errors.map((e) => e.line));
    expect(rejectedLines.size).toBe(result.rejected);
    // a valid row is never rejected because of its neighbours
    for (const line of validRowLines) {
      expect(rejectedLines.has(line)).toBe(false);
    }
    acceptedRows.set(stream, acceptedRows.get(stream)! + result.accepted - result.duplicates);
    expect(api.child.exitCode).toBeNull();
  };

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_INGEST: '0', RATE_LIMIT_QUERY: '0' });
    key = await mintKey(api.url, api.adminKey, 'hostile', ['INGEST', 'READ']);
    victimKey = await mintKey(api.url, api.adminKey, 'victim', ['READ']);
  });
  afterAll(async () => {
    recordFigures(SUITE, (f) => {
      f.hostileRequests += requests;
      f.hostileLines += lines;
      f.hostileGraphqlRows += graphqlRows;
    });
    await api?.dispose();
  });

  it.each(STREAMS)(
    '%s: random and malformed NDJSON never gets a 500, and every line is answered',
    async (stream) => {
      await fc.assert(
        fc.asyncProperty(ndjsonBody, async (spec) => {
          const { body, validRowLines } = materialize(stream, spec);
          const contentType =
            linesSent(body) % 2 === 0 ? 'application/x-ndjson' : 'application/json';
          checkAnswer(stream, body, await send(stream, body, contentType), validRowLines);
        }),
        { numRuns: RUNS, examples: FOUND },
      );
      await fc.assert(
        fc.asyncProperty(arrayBody, async (spec) => {
          const body = materializeArray(stream, spec);
          checkAnswer(stream, body, await send(stream, body, 'application/json'));
        }),
        { numRuns: Math.ceil(RUNS / 3) },
      );
    },
  );

  it('the GraphQL ingest mutation takes the same hostile rows without a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...STREAMS),
        fc.array(fc.oneof(hostileValue, fc.constant('valid')), { minLength: 1, maxLength: 15 }),
        async (stream, values) => {
          let n = 0;
          const rows = values.map((v) =>
            v === 'valid' ? validRow(stream, `gql-${process.pid}-${Date.now()}-${n++}`) : v,
          );
          const answer = await graphql<{
            ingest: { accepted: number; rejected: number; duplicates: number };
          }>(
            api.url,
            key,
            'mutation($stream: Stream!, $rows: [JSON!]!) { ingest(stream: $stream, rows: $rows) { accepted rejected duplicates } }',
            { stream: stream.toUpperCase(), rows },
          );
          requests += 1;
          // as sent: NaN and Infinity travel as null in JSON
          const sent = JSON.parse(JSON.stringify(rows)) as unknown[];
          if (sent.some((r) => r === null)) {
            // [JSON!]! refuses a null element before anything runs: a 400, never a 500
            expect(answer.status).toBe(400);
            return;
          }
          graphqlRows += rows.length;
          expect(answer.status).toBe(200);
          expect(answer.errors).toBeUndefined();
          const result = answer.data!.ingest;
          expect(result.accepted + result.rejected).toBe(rows.length);
          acceptedRows.set(stream, acceptedRows.get(stream)! + result.accepted - result.duplicates);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('nothing rejected reaches the measures: stored rows equal accepted rows, in the sender’s tenant only', async () => {
    const stored = await storedRows(api.url, key);
    expect(stored).toEqual(Object.fromEntries(acceptedRows));
    // rows that named another tenant in a `tenant_id` field stayed with the key's tenant
    expect(await storedSignals(api.url, victimKey)).toBe(0);
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
    expect(api.child.exitCode).toBeNull();
    const total = [...acceptedRows.values()].reduce((a, b) => a + b, 0);
    recordFigures(SUITE, (f) => {
      f.rowsAcknowledged += total;
      f.rowsStored += Object.values(stored).reduce((a, b) => a + b, 0);
      f.checks.push(
        `hostile input: every answer 200 with accepted + rejected = lines sent, no valid row rejected for its neighbours; ${total} accepted rows stored exactly, none of the rejected ones`,
      );
    });
  });
});
