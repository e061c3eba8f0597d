import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { graphql, mintKey, postIngest } from '../support/client.js';
import { startApi, type ApiProcess } from '../support/processes.js';
import { describeWithRedis } from '../support/redis-suite.js';
import { recordFigures } from './support/figures.js';

const SUITE = 'limits';
const WINDOW_MS = 2_000;
const signal = (id: string) =>
  `${JSON.stringify({ event_id: id, person_id: 'p1', type: 'x', occurred_at: '2026-10-01T00:00:00Z' })}\n`;
const PERIOD = 'from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z"';
const check = (line: string) => recordFigures(SUITE, (f) => f.checks.push(line));

describe('limits: rate, depth, cost, period, body size, pagination', () => {
  let api: ApiProcess;
  const newKey = (scopes = ['INGEST', 'READ']) => mintKey(api.url, api.adminKey, 'limits', scopes);

  beforeAll(async () => {
    api = await startApi({
      RATE_LIMIT_INGEST: '3',
      RATE_LIMIT_QUERY: '6',
      RATE_LIMIT_WINDOW_MS: String(WINDOW_MS),
      GRAPHQL_MAX_DEPTH: '1',
      INGEST_MAX_BODY_BYTES: '4096',
    });
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('limits ingest per key: 429 with Retry-After past the limit, other keys unaffected, open again after the window', async () => {
    const [key, other] = [await newKey(), await newKey()];
    for (let i = 0; i < 3; i++) {
      expect((await postIngest(api.url, key, 'signals', signal(`r${i}`))).status).toBe(200);
    }
    const limited = await postIngest(api.url, key, 'signals', signal('r3'));
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'RATE_LIMITED' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_MS / 1000);
    // the GraphQL ingest mutation spends the same budget
    const mutation = await graphql(
      api.url,
      key,
      'mutation { ingest(stream: SIGNALS, rows: [{event_id: "m1", person_id: "p", type: "x", occurred_at: "2026-10-01T00:00:00Z"}]) { accepted } }',
    );
    expect(mutation.status).toBe(429);
    expect((await postIngest(api.url, other, 'signals', signal('o1'))).status).toBe(200);
    await sleep(retryAfter * 1000);
    expect((await postIngest(api.url, key, 'signals', signal('r4'))).status).toBe(200);
    check(
      'rate limits: ingest past RATE_LIMIT_INGEST answers 429 with Retry-After (HTTP route and GraphQL mutation), per key, open again after Retry-After',
    );
  });

  it('limits queries per key by top-level field, refusing the whole operation before it runs', async () => {
    const key = await newKey();
    const two = '{ storedRows { stream rows } again: storedRows { stream } }';
    for (let i = 0; i < 3; i++) {
      const allowed = await graphql(api.url, key, two);
      expect([allowed.status, allowed.errors]).toEqual([200, undefined]);
    }
    const limited = await graphql(api.url, key, two);
    expect(limited.status).toBe(429);
    expect(limited.data).toBeUndefined();
    expect(limited.errors?.[0]?.extensions?.causewayCode).toBe('RATE_LIMITED');
    expect(limited.errors?.[0]?.extensions?.code).toBe('TOO_MANY_REQUESTS');
    check(
      'rate limits: GraphQL past RATE_LIMIT_QUERY answers 429 + Retry-After, counted per top-level field',
    );
  });

  it('does not let a wrong secret spend the budget of the key it names', async () => {
    const key = await newKey();
    const forged = key.slice(0, key.lastIndexOf('_') + 1) + 'x'.repeat(43);
    for (let i = 0; i < 5; i++) {
      expect((await postIngest(api.url, forged, 'signals', signal(`f${i}`))).status).toBe(401);
    }
    for (let i = 0; i < 3; i++) {
      expect((await postIngest(api.url, key, 'signals', signal(`g${i}`))).status).toBe(200);
    }
  });

  it('refuses 300 aliased liftReport calls by cost, before any runs, and a too deep query by depth', async () => {
    const key = await newKey();
    const aliases = Array.from(
      { length: 300 },
      (_, i) => `r${i}: liftReport(${PERIOD}) { triggerId verdict }`,
    ).join('\n');
    const started = Date.now();
    const refused = await graphql(api.url, key, `{ ${aliases} }`);
    const elapsed = Date.now() - started;
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.extensions?.causewayCode).toBe('GRAPHQL_COST_LIMIT');
    expect(refused.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.errors?.[0]?.message).toMatch(/GRAPHQL_MAX_COST/);
    // nothing ran, not even the rate limiter's count: the key still has its whole query budget
    for (let i = 0; i < 6; i++) {
      expect((await graphql(api.url, key, '{ storedRows { rows } }')).status).toBe(200);
    }
    const deep = await graphql(api.url, key, `{ liftReport(${PERIOD}) { treatment { persons } } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors?.[0]?.message).toMatch(/exceeds maximum operation depth/);
    check(
      `GraphQL limits: 300 aliased liftReport calls refused (400 GRAPHQL_COST_LIMIT, ${elapsed} ms, nothing run, no budget spent); depth past GRAPHQL_MAX_DEPTH refused (400)`,
    );
  });

  it('refuses a period longer than 400 days and a body over INGEST_MAX_BODY_BYTES, naming the limit', async () => {
    const key = await newKey();
    const long = await graphql(
      api.url,
      key,
      '{ liftReport(from: "2025-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { triggerId } }',
    );
    expect(long.errors?.[0]?.extensions?.causewayCode).toBe('MEASUREMENT_INVALID_PERIOD');
    expect(long.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(long.errors?.[0]?.message).toMatch(/at most 400 days/);
    // A time without an offset names another instant in every time zone: refused, not guessed,
    // in the document (Apollo's validation code) and as a variable (a bad input).
    const naive = [
      await graphql(
        api.url,
        key,
        '{ liftReport(from: "2026-01-01T00:00:00", to: "2026-02-01T00:00:00Z") { triggerId } }',
      ),
      await graphql(
        api.url,
        key,
        'query L($from: DateTime!) { liftReport(from: $from, to: "2026-02-01T00:00:00Z") { triggerId } }',
        { from: '2026-01-01T00:00:00' },
      ),
    ];
    for (const [answer, code] of [
      [naive[0], 'GRAPHQL_VALIDATION_FAILED'],
      [naive[1], 'BAD_USER_INPUT'],
    ] as const) {
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0]?.message).toContain(
        '"2026-01-01T00:00:00" is not a DateTime: timestamp has no UTC offset',
      );
      expect(answer.errors?.[0]?.extensions).toMatchObject({
        code,
        causewayCode: 'INVALID_DATE_TIME',
      });
    }
    const big = await postIngest(api.url, key, 'signals', signal('b').repeat(100));
    expect(big.status).toBe(413);
    expect(big.body.message).toMatch(/INGEST_MAX_BODY_BYTES/);
    check('maximum period (400 days) and body size (413 naming INGEST_MAX_BODY_BYTES) enforced');
  });

  it('pages rejectedRows with limit and offset in a stable order, and refuses a page over 1000', async () => {
    const key = await newKey();
    const bad = Array.from({ length: 7 }, (_, i) => `{"event_id":"bad-${i}"}`).join('\n');
    expect((await postIngest(api.url, key, 'signals', `${bad}\n`)).body.rejected).toBe(7);
    const page = async (limit: number, offset: number) =>
      (
        await graphql<{ rejectedRows: { line: number }[] }>(
          api.url,
          key,
          `{ rejectedRows(limit: ${limit}, offset: ${offset}) { line } }`,
        )
      ).data!.rejectedRows.map((r) => r.line);
    const pages = [await page(3, 0), await page(3, 3), await page(3, 6), await page(3, 9)];
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1, 0]);
    expect(pages.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await page(1000, 0)).toHaveLength(7);
    // A page larger than the most answered is refused, not cut short: a shortened page would
    // read as the whole list. (Another key of the tenant: each key may ask 6 fields a window.)
    const asker = await newKey();
    for (const [limit, offset, field] of [
      [1001, 0, 'limit'],
      [0, 0, 'limit'],
      [3, -1, 'offset'],
    ] as const) {
      const refused = await graphql(
        api.url,
        asker,
        `{ rejectedRows(limit: ${limit}, offset: ${offset}) { line } }`,
      );
      expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0]?.message).toContain(`${field}: must be`);
    }
    check('pagination: rejectedRows(limit, offset) pages in a stable order, 1 to 1000 a page');
  });
  it('spends the ingest budget on every door rows come in by, whatever the case of the path', async () => {
    // the tests before spent the admin key's query budget minting keys: a window for it to open
    await sleep(WINDOW_MS);
    const key = await newKey();
    const post = (path: string, body: string, type: string, authorization = `Bearer ${key}`) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': type },
        body,
      }).then((response) => response.status);
    const segmentKey = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
    const track = JSON.stringify({
      messageId: 'm1',
      userId: 'p1',
      event: 'Viewed',
      timestamp: '2026-10-01T00:00:00Z',
    });
    const csv = 'event_id,person_id,type,occurred_at\nc1,p1,x,2026-10-01T00:00:00Z\n';
    expect([
      await post('/v1/segment/track', track, 'application/json', segmentKey),
      await post('/v1/import/signals', csv, 'text/csv'),
      await post('/V1/INGEST/signals', signal('d1'), 'application/x-ndjson'),
      await post('/v1/Segment/track', track, 'application/json', segmentKey),
    ]).toEqual([200, 200, 200, 429]);
    // while the query budget is untouched
    const read = await graphql(api.url, key, '{ storedRows { stream } }');
    expect([read.status, read.errors]).toEqual([200, undefined]);
    check(
      'rate limits: Segment calls and imports spend RATE_LIMIT_INGEST as ingest does, not the query budget',
    );
  });
});

describe('request timeouts', () => {
  let api: ApiProcess;

  beforeAll(async () => {
    // A budget no query can meet: every read of a request is stopped, none is left running.
    api = await startApi({ REQUEST_TIMEOUT_MS: '1' });
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('answers a request past its budget with STORAGE_TIMEOUT (504), not a 500, and stays healthy', async () => {
    const key = await mintKey(api.url, api.adminKey, 'slow', ['INGEST', 'READ']);
    const query = await graphql(api.url, key, '{ storedRows { stream rows } }');
    expect(query.errors?.[0]?.extensions?.causewayCode).toBe('STORAGE_TIMEOUT');
    expect(query.errors?.[0]?.extensions?.code).toBe('GATEWAY_TIMEOUT');
    expect(query.errors?.[0]?.message).toMatch(/REQUEST_TIMEOUT_MS/);
    const ingest = await postIngest(api.url, key, 'signals', signal('t1'));
    expect(ingest.status).toBe(504);
    expect(ingest.body).toMatchObject({ error: 'STORAGE_TIMEOUT' });
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    expect(api.child.exitCode).toBeNull();
    check(
      'request timeouts: reads past REQUEST_TIMEOUT_MS are stopped by the engine (max_execution_time; KILL QUERY on a server) and answered 504 STORAGE_TIMEOUT',
    );
  });
});

describeWithRedis('rate limits shared by every API process through Redis', (redis) => {
  const apis: ApiProcess[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      apis.push(
        await startApi({
          REDIS_URL: redis.url,
          RATE_LIMIT_QUERY: '4',
          RATE_LIMIT_WINDOW_MS: '30000',
        }),
      );
    }
  });
  afterAll(async () => {
    for (const api of apis) {
      await api.dispose();
    }
  });

  it('counts a key’s calls on every process against one budget', async () => {
    const mint = (api: ApiProcess) =>
      graphql(
        api.url,
        api.adminKey,
        'mutation { createApiKey(tenantId: "shared", scopes: [READ]) { keyId } }',
      );
    const statuses = [];
    for (const api of [apis[0], apis[1], apis[0], apis[1], apis[0], apis[1]]) {
      statuses.push((await mint(api)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    check('rate limits: with Redis, one key’s budget is shared by every API process');
  });
});
