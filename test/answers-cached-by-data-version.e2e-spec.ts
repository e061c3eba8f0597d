// Answers cached by data version (docs/design.md §11): a measure asked again with the same
// arguments while the tenant's data is unchanged is answered from memory, and every write of the
// tenant (ingest inline or through the queue, an erasure, a trigger definition) retires its
// answers and no other tenant's. The built API runs as a process of its own on an embedded store;
// /metrics counts the hits and misses.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gqlData, mintKey, ndjson, postIngest, storedRows } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';
import { describeWithRedis } from './support/redis-suite.js';

const PERIOD = { from: '2026-10-01T00:00:00Z', to: '2026-10-08T00:00:00Z' };
const DECIDED = '2026-10-02T10:00:00Z';
const BOUGHT = '2026-10-02T12:00:00Z';

const firing = (person: string, arm: 'treatment' | 'holdout') => ({
  firing_id: `f-${person}`,
  trigger_id: 'welcome',
  person_id: person,
  decided_at: DECIDED,
  arm,
});

const purchase = (person: string) => ({
  outcome_id: `o-${person}`,
  person_id: person,
  type: 'purchase',
  occurred_at: BOUGHT,
  value: 10,
});

const LIFT = `query Lift($from: DateTime!, $to: DateTime!) {
  liftReport(from: $from, to: $to) {
    triggerId treatment { persons conversions rate } holdout { persons conversions rate }
  }
}`;

type Arm = { persons: number; conversions: number; rate: number };
type Lift = { triggerId: string; treatment: Arm; holdout: Arm };

/** One arm as the counts written by hand say it must read. */
const arm = (persons: number, conversions: number): Arm => ({
  persons,
  conversions,
  rate: conversions / persons,
});

/** A counter of the answer cache on /metrics, for one query (0 before its first count). */
async function cacheCount(url: string, kind: 'hits' | 'misses', query: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = new RegExp(
    `^causeway_result_cache_${kind}_total\\{query="${query}"\\} (\\d+)$`,
    'm',
  );
  return Number(line.exec(text)?.[1] ?? 0);
}

/** Sends rows of one stream and expects every one accepted. */
async function send(url: string, key: string, stream: string, rows: object[]): Promise<void> {
  const answer = await postIngest(url, key, stream, ndjson(rows));
  expect({ status: answer.status, accepted: answer.body.accepted }).toEqual({
    status: 200,
    accepted: rows.length,
  });
}

/**
 * Two tenants' programs: north has treatment p1-p4 (p1, p2 buy) and holdout h1-h4 (h1 buys);
 * south has treatment q1-q2 (q1 buys) and holdout r1-r2.
 */
async function seed(url: string, north: string, south: string): Promise<void> {
  await send(url, north, 'firings', [
    ...['p1', 'p2', 'p3', 'p4'].map((p) => firing(p, 'treatment')),
    ...['h1', 'h2', 'h3', 'h4'].map((p) => firing(p, 'holdout')),
  ]);
  await send(url, north, 'outcomes', ['p1', 'p2', 'h1'].map(purchase));
  await send(url, south, 'firings', [
    ...['q1', 'q2'].map((p) => firing(p, 'treatment')),
    ...['r1', 'r2'].map((p) => firing(p, 'holdout')),
  ]);
  await send(url, south, 'outcomes', [purchase('q1')]);
}

const SOUTH: Lift[] = [{ triggerId: 'welcome', treatment: arm(2, 1), holdout: arm(2, 0) }];

describe('answers cached by data version (inline ingest)', () => {
  let api: ApiProcess;
  let north: string;
  let south: string;

  const lift = async (key: string) =>
    (await gqlData<{ liftReport: Lift[] }>(api.url, key, LIFT, PERIOD)).liftReport;
  const counts = async () => ({
    hits: await cacheCount(api.url, 'hits', 'liftReport'),
    misses: await cacheCount(api.url, 'misses', 'liftReport'),
  });

  beforeAll(async () => {
    api = await startApi({ ASSIGNMENT_ROLLUP_EVERY_MS: '0', ALERT_EVALUATE_EVERY_MS: '0' });
    north = await mintKey(api.url, api.adminKey, 'north', ['INGEST', 'READ', 'ERASE']);
    south = await mintKey(api.url, api.adminKey, 'south', ['INGEST', 'READ']);
    await seed(api.url, north, south);
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('answers a repeated question from memory, counted as a hit', async () => {
    const first = await lift(north);
    expect(first).toEqual([{ triggerId: 'welcome', treatment: arm(4, 2), holdout: arm(4, 1) }]);
    expect(await counts()).toEqual({ hits: 0, misses: 1 });
    expect(await lift(north)).toEqual(first);
    expect(await lift(south)).toEqual(SOUTH);
    expect(await lift(south)).toEqual(SOUTH);
    expect(await counts()).toEqual({ hits: 2, misses: 2 });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(Number(/^causeway_result_cache_entries (\d+)$/m.exec(metrics)?.[1])).toBe(2);
    expect(Number(/^causeway_result_cache_bytes (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });

  it("answers afresh after an ingest of the tenant, and keeps the other tenant's answer", async () => {
    await send(api.url, north, 'outcomes', [purchase('p3')]);
    expect(await lift(north)).toEqual([
      { triggerId: 'welcome', treatment: arm(4, 3), holdout: arm(4, 1) },
    ]);
    expect(await counts()).toEqual({ hits: 2, misses: 3 });
    expect(await lift(south)).toEqual(SOUTH);
    expect(await counts()).toEqual({ hits: 3, misses: 3 });
  });

  it('answers afresh after an erasure of one of its persons', async () => {
    await gqlData(
      api.url,
      north,
      'mutation Erase { erasePerson(personId: "p1", blockReingest: false) { id } }',
    );
    // p1 (treatment, bought) is gone: p2 and p3 of p2-p4 bought
    expect(await lift(north)).toEqual([
      { triggerId: 'welcome', treatment: arm(3, 2), holdout: arm(4, 1) },
    ]);
    expect(await lift(south)).toEqual(SOUTH);
    expect(await counts()).toEqual({ hits: 4, misses: 4 });
  });

  it('answers afresh after a trigger definition changes what counts as success', async () => {
    await gqlData(
      api.url,
      north,
      `mutation Define { defineTrigger(input: { triggerId: "welcome", name: "Welcome", channel: "email",
        successTypes: ["signup"] }) { version } }`,
    );
    // purchases no longer count, and nobody signed up
    expect(await lift(north)).toEqual([
      { triggerId: 'welcome', treatment: arm(3, 0), holdout: arm(4, 0) },
    ]);
    expect(await lift(south)).toEqual(SOUTH);
    expect(await counts()).toEqual({ hits: 5, misses: 5 });
  });

  it('computes every time an answer that reads the clock (conversionCurve without horizon)', async () => {
    const curve = (horizon?: string) =>
      gqlData<{ conversionCurve: { sinceMs: number; treatmentPersons: number }[] }>(
        api.url,
        south,
        `query Curve($from: DateTime!, $to: DateTime!, $horizon: DateTime) {
          conversionCurve(triggerId: "welcome", from: $from, to: $to, horizon: $horizon) {
            sinceMs treatmentPersons } }`,
        { ...PERIOD, horizon },
      );
    await curve();
    await curve();
    const counted = async () => [
      await cacheCount(api.url, 'hits', 'conversionCurve'),
      await cacheCount(api.url, 'misses', 'conversionCurve'),
    ];
    expect(await counted()).toEqual([0, 0]);
    const fixed = await curve('2026-10-20T00:00:00Z');
    expect(await curve('2026-10-20T00:00:00Z')).toEqual(fixed);
    expect(await counted()).toEqual([1, 1]);
  });
});

describeWithRedis('answers cached by data version (ingest through the queue)', (redis) => {
  let api: ApiProcess;
  let north: string;
  let south: string;

  const lift = async (key: string) =>
    (await gqlData<{ liftReport: Lift[] }>(api.url, key, LIFT, PERIOD)).liftReport;
  /** Waits until the worker has stored these rows of the tenant (storedRows is never cached). */
  const stored = async (key: string, rows: { firings: number; outcomes: number }) => {
    const read = async () => {
      const stored = await storedRows(api.url, key);
      return { firings: stored.firings ?? 0, outcomes: stored.outcomes ?? 0 };
    };
    const deadline = Date.now() + 30_000;
    while (JSON.stringify(await read()) !== JSON.stringify(rows) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await read()).toEqual(rows);
  };

  beforeAll(async () => {
    api = await startApi({
      REDIS_URL: redis.url,
      ASSIGNMENT_ROLLUP_EVERY_MS: '0',
      ALERT_EVALUATE_EVERY_MS: '0',
    });
    north = await mintKey(api.url, api.adminKey, 'north', ['INGEST', 'READ']);
    south = await mintKey(api.url, api.adminKey, 'south', ['INGEST', 'READ']);
    await seed(api.url, north, south);
    await stored(north, { firings: 8, outcomes: 3 });
    await stored(south, { firings: 4, outcomes: 1 });
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it("shows the worker's write in the next answer, and keeps the other tenant's", async () => {
    expect(await lift(north)).toEqual([
      { triggerId: 'welcome', treatment: arm(4, 2), holdout: arm(4, 1) },
    ]);
    expect(await lift(south)).toEqual(SOUTH);
    expect(await lift(north)).toEqual([
      { triggerId: 'welcome', treatment: arm(4, 2), holdout: arm(4, 1) },
    ]);
    const hitsBefore = await cacheCount(api.url, 'hits', 'liftReport');
    expect(hitsBefore).toBe(1);

    await send(api.url, north, 'outcomes', [purchase('p3'), purchase('h2')]);
    await stored(north, { firings: 8, outcomes: 5 });
    expect(await lift(north)).toEqual([
      { triggerId: 'welcome', treatment: arm(4, 3), holdout: arm(4, 2) },
    ]);
    expect(await lift(south)).toEqual(SOUTH);
    expect(await cacheCount(api.url, 'hits', 'liftReport')).toBe(2);
  });
});
