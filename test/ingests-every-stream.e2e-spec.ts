import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { gqlData, graphql, mintKey, ndjson, postIngest, storedRows } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';

const at = (iso: string) => `2026-10-${iso}Z`;

/** One valid row of every stream, as a producer sends them. */
const fixture: Record<string, object[]> = {
  triggers: [
    {
      trigger_id: 'cart-push',
      name: 'Cart abandoned push',
      channel: 'push',
      surface: 'lockscreen',
      audience: 'app users',
      signal_types: ['cart_abandoned'],
      window_ms: 3_600_000,
      success_types: ['purchase'],
      guardrail_types: ['unsubscribe'],
      holdout_pct: 0.2,
      frequency_cap: { max: 2, per_ms: 86_400_000 },
      suppression: { converted_lookback_ms: 86_400_000 },
      consent_purpose: 'push_marketing',
      status: 'live',
    },
  ],
  signals: [
    { event_id: 's1', person_id: 'p1', type: 'cart_abandoned', occurred_at: at('02T10:00:00') },
    { event_id: 's2', person_id: 'p2', type: 'cart_abandoned', occurred_at: 1_790_000_000_000 },
  ],
  firings: [
    {
      firing_id: 'f1',
      trigger_id: 'cart-push',
      person_id: 'p1',
      decided_at: at('02T10:00:05'),
      arm: 'treatment',
      signal_event_id: 's1',
      properties: { tier: 'gold', country: 'DE', orders: 3, vip: true },
    },
    {
      firing_id: 'f2',
      trigger_id: 'cart-push',
      person_id: 'p2',
      decided_at: at('02T10:00:06'),
      arm: 'holdout',
    },
  ],
  exposures: [{ firing_id: 'f1', type: 'delivered', occurred_at: at('02T10:00:09') }],
  outcomes: [
    {
      outcome_id: 'o1',
      person_id: 'p1',
      type: 'purchase',
      occurred_at: at('02T12:00:00'),
      value: 42.5,
      currency: 'EUR',
      order_id: 'A1',
    },
  ],
  consent: [
    { person_id: 'p1', purpose: 'push_marketing', granted: true, occurred_at: at('01T00:00:00') },
  ],
};

describe('ingest over HTTP (inline mode, embedded store)', () => {
  let api: ApiProcess;
  let key: string;

  const stored = () => storedRows(api.url, key);

  beforeAll(async () => {
    api = await startApi();
    key = await mintKey(api.url, api.adminKey, 't', ['INGEST', 'READ']);
  });
  afterAll(async () => {
    await api.dispose();
  });

  it('accepts every stream, and the same files again change no count', async () => {
    for (const [stream, rows] of Object.entries(fixture)) {
      const answer = await postIngest(api.url, key, stream, ndjson(rows));
      expect([stream, answer.status, answer.body]).toEqual([
        stream,
        200,
        {
          accepted: rows.length,
          rejected: 0,
          duplicates: 0,
          conflicts: 0,
          errors: [],
          ignoredFields: [],
        },
      ]);
    }
    const first = await stored();
    expect(first).toEqual({
      signals: 2,
      triggers: 1,
      firings: 2,
      exposures: 1,
      outcomes: 1,
      consent: 1,
    });
    for (const [stream, rows] of Object.entries(fixture)) {
      const again = await postIngest(api.url, key, stream, ndjson(rows));
      expect(again.body.accepted).toBe(rows.length);
    }
    expect(await stored()).toEqual(first);
  });

  it("returns a firing's properties in personTimeline, as sent", async () => {
    const { personTimeline } = await gqlData<{
      personTimeline: { id: string; kind: string; detail: { properties?: unknown } }[];
    }>(
      api.url,
      key,
      `query($personId: ID!) { personTimeline(personId: $personId) { id kind detail } }`,
      { personId: 'p1' },
    );
    const firing = personTimeline.find((e) => e.kind === 'firing' && e.id === 'f1');
    expect(firing?.detail.properties).toEqual({
      tier: 'gold',
      country: 'DE',
      orders: 3,
      vip: true,
    });
  });

  it('accepts a JSON array body and counts copies within a request', async () => {
    const rows = [
      {
        event_id: 'a1',
        person_id: 'p9',
        type: 'pricing_page_visit',
        occurred_at: at('03T00:00:00'),
      },
      {
        event_id: 'a1',
        person_id: 'p9',
        type: 'pricing_page_visit',
        occurred_at: at('03T00:00:00'),
      },
    ];
    const answer = await postIngest(
      api.url,
      key,
      'signals',
      JSON.stringify(rows),
      'application/json',
    );
    expect(answer.body).toEqual({
      accepted: 2,
      rejected: 0,
      duplicates: 1,
      conflicts: 0,
      errors: [],
      ignoredFields: [],
    });
  });

  it('answers the copies of an id whose content differs from the first, which is kept', async () => {
    const line = (type: string) =>
      JSON.stringify({
        event_id: 'conflict-1',
        person_id: 'p8',
        type,
        occurred_at: '2026-10-03T00:00:00Z',
      });
    const lines = [line('page_view'), line('add_to_cart'), line('page_view'), line('checkout')];
    const answer = await postIngest(api.url, key, 'signals', lines.join('\n'));
    expect(answer.body).toMatchObject({ accepted: 4, duplicates: 3, conflicts: 2 });
    const { personTimeline } = await gqlData<{ personTimeline: { id: string; type: string }[] }>(
      api.url,
      key,
      `query($personId: ID!) { personTimeline(personId: $personId) { id type } }`,
      { personId: 'p8' },
    );
    expect(personTimeline.filter((e) => e.id === 'conflict-1')).toEqual([
      { id: 'conflict-1', type: 'page_view' },
    ]);
  });

  it('names the fields it ignored, with the field meant, in any JSON dialect', async () => {
    const lines = [
      '{"firing_id": "ig-1", "trigger_id": "cart-push", "person_id": "p1", "decided_at": "2026-10-02T12:00:00+02:00", "arm": "treatment", "signal_id": "s1"}',
      '{"arm":"holdout","decided_at":"2026-10-02T10:00:00Z","firing_id":"ig-2","person_id":"p2","signal_id":"s2","trigger_id":"cart-push","trigger_version":1.0}',
      '{"firing_id":"ig-3","trigger_id":"cart-push","person_id":"p3","decided_at":"2026-10-02T10:00:00.000Z","arm":"treatment","skipReason":"cap"}',
    ];
    const answer = await postIngest(api.url, key, 'firings', lines.join('\n'));
    expect(answer.body).toEqual({
      accepted: 3,
      rejected: 0,
      duplicates: 0,
      conflicts: 0,
      errors: [],
      ignoredFields: [
        { field: 'signal_id', lines: 2, suggestion: 'signal_event_id' },
        { field: 'skipReason', lines: 1, suggestion: 'skip_reason' },
      ],
    });
    const data = await gqlData<{ personTimeline: { id: string; at: string }[] }>(
      api.url,
      key,
      '{ personTimeline(personId: "p1") { id at } }',
    );
    expect(data.personTimeline).toContainEqual({ id: 'ig-1', at: '2026-10-02T10:00:00.000Z' });
  });

  it('takes a draft lacking every definition through the triggers stream; refuses a live one lacking any, naming it', async () => {
    const complete = fixture.triggers[0] as Record<string, unknown>;
    // each of the six definitions left out in turn (the stream fields that make it, docs/design.md §2)
    const lacking: [string, string[], string, string][] = [
      ['signal', ['signal_types'], 'signal_types', 'signal (signal_types)'],
      ['audience', ['audience'], 'audience', 'audience (audience)'],
      ['surface', ['surface'], 'surface', 'surface (channel, surface)'],
      ['window', ['window_ms'], 'window_ms', 'window (window_ms)'],
      [
        'suppression',
        ['consent_purpose'],
        'consent_purpose',
        'suppression (suppression.converted_lookback_ms, frequency_cap, consent_purpose)',
      ],
      [
        'success',
        ['holdout_pct'],
        'holdout_pct',
        'success (success_types, guardrail_types, holdout_pct)',
      ],
    ];
    const live = lacking.map(([definition, fields]) =>
      Object.fromEntries(
        Object.entries({ ...complete, trigger_id: `live-without-${definition}` }).filter(
          ([name]) => !fields.includes(name),
        ),
      ),
    );
    const draft = { trigger_id: 'draft-1', name: 'Birthday', status: 'draft' };
    const answer = await postIngest(api.url, key, 'triggers', ndjson([draft, ...live]));
    expect(answer.body).toMatchObject({
      accepted: 1,
      rejected: 6,
      errors: lacking.map(([, , field, lacks], i) => ({
        line: i + 2,
        field,
        message: `a live trigger needs all six definitions; it lacks ${lacks}. Send them, or "status":"draft" to store it unfinished`,
      })),
    });
    const data = await gqlData<{
      triggers: { triggerId: string; ready: boolean; missing: string[] }[];
    }>(api.url, key, '{ triggers(status: DRAFT) { triggerId ready missing } }');
    expect(data.triggers).toContainEqual({
      triggerId: 'draft-1',
      ready: false,
      missing: ['signal', 'audience', 'surface', 'window', 'suppression', 'success'],
    });
  });

  it('answers 997 accepted and 3 rejected for 1,000 lines with 3 bad ones, and keeps the 3 raw lines', async () => {
    const bad = new Map<number, string>([
      [10, '{"event_id": "b-10", "person_id": "p", "type": "x", "occurred_at": "yesterday"}'],
      [500, '{not json'],
      [1000, '{"event_id": "b-1000", "person_id": "p", "occurred_at": "2026-10-01T00:00:00Z"}'],
    ]);
    const lines = Array.from(
      { length: 1000 },
      (_, i) =>
        bad.get(i + 1) ??
        JSON.stringify({
          event_id: `bulk-${i}`,
          person_id: `p${i % 50}`,
          type: 'page_view',
          occurred_at: at('04T00:00:00'),
        }),
    );
    const answer = await postIngest(api.url, key, 'signals', lines.join('\n'));
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(997);
    expect(answer.body.rejected).toBe(3);
    expect(answer.body.errors.map((e) => [e.line, e.field])).toEqual([
      [10, 'occurred_at'],
      [500, '(line)'],
      [1000, 'type'],
    ]);
    const data = await gqlData<{ rejectedRows: { line: number; raw: string; stream: string }[] }>(
      api.url,
      key,
      '{ rejectedRows(stream: SIGNALS, limit: 10) { line raw stream } }',
    );
    const raws = data.rejectedRows.map((r) => r.raw).sort();
    expect(raws).toEqual([...bad.values()].sort());
  });

  it('refuses a body over the size limit with 413 naming the limit, storing nothing', async () => {
    const before = await stored();
    const line = JSON.stringify({
      event_id: 'big',
      person_id: 'p',
      type: 'x',
      occurred_at: at('05T00:00:00'),
      properties: { pad: 'x'.repeat(1000) },
    });
    const body = `${line}\n`.repeat(Math.ceil((10.5 * 1024 * 1024) / line.length));
    const answer = await postIngest(api.url, key, 'signals', body);
    expect(answer.status).toBe(413);
    expect(answer.body.message).toMatch(/10485760|10 MiB/);
    expect(await stored()).toEqual(before);
  });

  it('names an unknown stream', async () => {
    const answer = await postIngest(api.url, key, 'clicks', '{}\n');
    expect(answer.status).toBe(404);
    expect(answer.body.message).toMatch(/signals, triggers, firings, exposures, outcomes, consent/);
  });

  it('also ingests through the GraphQL mutation with the same answer shape', async () => {
    const data = await gqlData<{
      ingest: { accepted: number; rejected: number; errors: { line: number; field: string }[] };
    }>(
      api.url,
      key,
      'mutation($rows: [JSON!]!) { ingest(stream: CONSENT, rows: $rows) { accepted rejected errors { line field } } }',
      {
        rows: [
          { person_id: 'p3', purpose: 'email', granted: false, occurred_at: at('06T00:00:00') },
          { person_id: 'p3', purpose: 'email', granted: 'maybe', occurred_at: at('06T00:00:00') },
        ],
      },
    );
    expect(data.ingest).toEqual({
      accepted: 1,
      rejected: 1,
      errors: [{ line: 2, field: 'granted' }],
    });
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      checks: { clickhouse: { ok: true }, migrations: { ok: true } },
    });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/causeway_ingest_rows_total\{stream="signals",result="rejected"\} 3/);
    expect(metrics).toMatch(/causeway_http_request_duration_seconds_bucket/);
  });

  it('answers GraphQL errors for a bad period in words', async () => {
    const result = await graphql(
      api.url,
      key,
      '{ liftReport(from: "2026-10-10T00:00:00Z", to: "2026-10-01T00:00:00Z") { triggerId } }',
    );
    expect(result.errors?.[0]?.message).toBe('from must be before to');
    expect(result.errors?.[0]?.extensions?.causewayCode).toBe('MEASUREMENT_INVALID_PERIOD');
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.status).toBe(400);
  });

  it('keeps an idle connection open 65 s, longer than load balancers keep theirs', async () => {
    // node:http, not fetch: fetch hides the hop-by-hop Keep-Alive header.
    const agent = new Agent({ keepAlive: true });
    const header = await new Promise<string | undefined>((resolve, reject) => {
      request(`${api.url}/healthz`, { agent }, (response) => {
        response.resume();
        resolve(String(response.headers['keep-alive']));
      })
        .on('error', reject)
        .end();
    });
    agent.destroy();
    expect(header).toBe('timeout=65');
  });
});
