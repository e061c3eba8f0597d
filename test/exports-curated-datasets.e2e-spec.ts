// BI exports: GET /v1/export/{dataset} streams one tenant's rows of a curated view in ClickHouse's
// own CSV, Parquet and NDJSON; a Parquet file read back through the engine holds the same rows as
// the CSV; and the rows add up to the GraphQL API's answers for the same tenant and period.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { openTemporaryStore, type TemporaryStore } from '../libs/storage/testing.js';
import { gqlData, mintKey, ndjson, postIngest } from './support/client.js';
import { MAIN_PROGRAM_ONLY, uploadDemoProgram } from './support/demo-program.js';
import { startApi, type ApiProcess } from './support/processes.js';

/** The rows of an NDJSON export, none for an empty one. */
function ndjsonRows<Row>(body: Buffer): Row[] {
  return body
    .toString('utf8')
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Row);
}

const FROM = '2026-10-01T00:00:00Z';
const TO = '2026-10-31T00:00:00Z';
const DATASETS = [
  'trigger_daily',
  'lift',
  'guardrails',
  'consent_incidents',
  'suppression_incidents',
  'trigger_trend',
] as const;

/** A second tenant's rows: none of them may appear in the first tenant's exports. */
const OTHER_TENANT_ROWS = {
  triggers: [
    {
      trigger_id: 'other-tenant-trigger',
      name: 'Other tenant',
      channel: 'email',
      signal_types: ['x'],
      window_ms: 60_000,
      audience: 'everyone',
      surface: 'inbox',
      success_types: ['purchase'],
      guardrail_types: ['unsubscribe'],
      holdout_pct: 0.5,
      suppression: { converted_lookback_ms: 86_400_000 },
      consent_purpose: 'other_purpose',
      frequency_cap: { max: 0, per_ms: 86_400_000 },
      status: 'live',
    },
  ],
  firings: [
    {
      firing_id: 'other-f1',
      trigger_id: 'other-tenant-trigger',
      person_id: 'other-p1',
      decided_at: '2026-10-05T10:00:00Z',
      arm: 'treatment',
      signal_at: '2026-10-05T09:59:00Z',
    },
  ],
};

describe('curated BI exports', () => {
  let api: ApiProcess;
  let key: string;
  let otherKey: string;
  let reader: TemporaryStore;
  let files: string;

  const auth = (k = key) => ({ authorization: `Bearer ${k}` });
  const exportUrl = (dataset: string, format: string, from = FROM, to = TO) =>
    `${api.url}/v1/export/${dataset}?from=${from}&to=${to}&format=${format}`;
  const download = async (dataset: string, format: string, from = FROM, to = TO, k = key) => {
    const response = await fetch(exportUrl(dataset, format, from, to), { headers: auth(k) });
    expect(response.status).toBe(200);
    return { response, body: Buffer.from(await response.arrayBuffer()) };
  };

  /** Runs SQL in the test's own embedded engine (not the API's) and returns JSON rows. */
  const engine = async (sql: string): Promise<Record<string, unknown>[]> =>
    reader.clickhouse.query({
      tag: 'test.read_export',
      sql,
      row: z.record(z.string(), z.unknown()),
    });

  /** A file of the test's temporary directory, as a SQL string literal. */
  const fileLiteral = (name: string, bytes: Buffer): string => {
    const path = join(files, name);
    writeFileSync(path, bytes);
    return `'${path.replace(/[\\']/g, '')}'`;
  };

  beforeAll(async () => {
    api = await startApi();
    key = await mintKey(api.url, api.adminKey, 'demo', ['INGEST', 'READ']);
    otherKey = await mintKey(api.url, api.adminKey, 'other', ['INGEST', 'READ']);
    await uploadDemoProgram(api.url, key, {
      seed: 20_261_001,
      persons: 2_000,
      plantedBlockRows: MAIN_PROGRAM_ONLY,
    });
    for (const [stream, rows] of Object.entries(OTHER_TENANT_ROWS)) {
      const answer = await postIngest(api.url, otherKey, stream, ndjson(rows));
      expect(answer.body.rejected).toBe(0);
    }
    // bi_lift and bi_guardrails are read from report snapshots
    await gqlData(
      api.url,
      key,
      `mutation { createReportSnapshot(from: "${FROM}", to: "${TO}") { id } }`,
    );
    await gqlData(
      api.url,
      otherKey,
      `mutation { createReportSnapshot(from: "${FROM}", to: "${TO}") { id } }`,
    );
    reader = await openTemporaryStore();
    files = mkdtempSync(join(tmpdir(), 'causeway-exports-'));
  });
  afterAll(async () => {
    await reader?.dispose();
    rmSync(files, { recursive: true, force: true });
    await api?.dispose();
  });

  it('streams each dataset as ClickHouse’s CSV, Parquet and NDJSON, labelled as such', async () => {
    for (const dataset of DATASETS) {
      const csv = await download(dataset, 'csv');
      expect(csv.response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.response.headers.get('content-disposition')).toBe(
        // [1 Oct, 31 Oct): its last day is 30 Oct, as the report's title and PDF say
        `attachment; filename="causeway-${dataset}-2026-10-01-2026-10-30.csv"`,
      );
      const lines = csv.body.toString('utf8').trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(1);
      expect(lines[0]).not.toContain('tenant_id');
      const parquet = await download(dataset, 'parquet');
      expect(parquet.response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
      expect(parquet.body.subarray(0, 4).toString('latin1')).toBe('PAR1');
      const json = await download(dataset, 'json');
      expect(json.response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      const objects = ndjsonRows<Record<string, unknown>>(json.body);
      expect(objects.length).toBe(lines.length - 1);
    }
    // the exports' ISO times stayed with them: the API still reads the times it stores
    const after = await gqlData<{ reportSnapshots: { createdAt: string }[] }>(
      api.url,
      key,
      '{ reportSnapshots { createdAt } }',
    );
    expect(after.reportSnapshots.length).toBeGreaterThan(0);
    for (const { createdAt } of after.reportSnapshots) {
      expect(Number.isNaN(Date.parse(createdAt))).toBe(false);
    }
  });

  it('gives Parquet that reads back through the engine with exactly the CSV’s rows', async () => {
    for (const dataset of DATASETS) {
      const parquet = fileLiteral(`${dataset}.parquet`, (await download(dataset, 'parquet')).body);
      const csv = fileLiteral(`${dataset}.csv`, (await download(dataset, 'csv')).body);
      // the CSV is read with the Parquet file's own column types, so the two compare value by value
      const columns = await engine(`DESCRIBE file(${parquet}, Parquet)`);
      const structure = columns.map((c) => `${String(c.name)} ${String(c.type)}`).join(', ');
      const fromParquet = await engine(`SELECT * FROM file(${parquet}, Parquet)`);
      // times are written as ISO-8601 with Z: read them back as such
      const fromCsv = await engine(
        `SELECT * FROM file(${csv}, CSVWithNames, '${structure.replace(/'/g, "\\'")}') SETTINGS date_time_input_format = 'best_effort'`,
      );
      expect(fromParquet.length).toBeGreaterThan(0);
      expect(fromCsv).toEqual(fromParquet);
    }
  });

  it('exports only the key’s tenant', async () => {
    for (const dataset of DATASETS) {
      const mine = (await download(dataset, 'csv')).body.toString('utf8');
      expect(mine).not.toContain('other-tenant-trigger');
      expect(mine).not.toContain('other-f1');
    }
    const theirs = ndjsonRows<{ trigger_id: string; firings: number }>(
      (await download('trigger_daily', 'json', FROM, TO, otherKey)).body,
    );
    expect(theirs).toEqual([
      expect.objectContaining({ trigger_id: 'other-tenant-trigger', firings: 1 }),
    ]);
    const incidents = ndjsonRows<{ firing_id: string; failure: string }>(
      (await download('suppression_incidents', 'json', FROM, TO, otherKey)).body,
    );
    // a cap of max 0 makes every sent firing a breach
    expect(incidents).toEqual([
      expect.objectContaining({ firing_id: 'other-f1', failure: 'cap_breach' }),
    ]);
  });

  it('adds up to the GraphQL answers: lift and latency per day, lift per period, incidents', async () => {
    const json = async (dataset: string, from = FROM, to = TO) =>
      ndjsonRows<Record<string, unknown>>((await download(dataset, 'json', from, to)).body);
    // one day, the way liftReport and triggerLatency see it
    const dayFrom = '2026-10-07T00:00:00Z';
    const dayTo = '2026-10-08T00:00:00Z';
    const day = await json('trigger_daily', dayFrom, dayTo);
    const api1 = await gqlData<{
      liftReport: {
        triggerId: string;
        treatment: { persons: number; conversions: number; revenue: number };
        holdout: { persons: number; conversions: number };
      }[];
      triggerLatency: {
        triggerId: string;
        channel: string;
        firings: number;
        p50Ms: number;
        p90Ms: number;
        withinWindowRate: number | null;
        expired: number;
      }[];
    }>(
      api.url,
      key,
      `query($from: DateTime!, $to: DateTime!) {
         liftReport(from: $from, to: $to) { triggerId treatment { persons conversions revenue } holdout { persons conversions } }
         triggerLatency(from: $from, to: $to, groupBy: [CHANNEL]) { triggerId channel firings p50Ms p90Ms withinWindowRate expired } }`,
      { from: dayFrom, to: dayTo },
    );
    expect(api1.liftReport.length).toBeGreaterThan(0);
    const sum = (rows: Record<string, unknown>[], column: string) =>
      rows.reduce((total, r) => total + Number(r[column]), 0);
    for (const lift of api1.liftReport) {
      const rows = day.filter((r) => r.trigger_id === lift.triggerId);
      const treated = rows.filter((r) => r.arm === 'treatment');
      const control = rows.filter((r) => r.arm !== 'treatment');
      expect([lift.triggerId, sum(treated, 'persons'), sum(treated, 'conversions')]).toEqual([
        lift.triggerId,
        lift.treatment.persons,
        lift.treatment.conversions,
      ]);
      expect(sum(treated, 'revenue')).toBeCloseTo(lift.treatment.revenue, 6);
      expect([sum(control, 'persons'), sum(control, 'conversions')]).toEqual([
        lift.holdout.persons,
        lift.holdout.conversions,
      ]);
    }
    for (const latency of api1.triggerLatency) {
      const row = day.find(
        (r) =>
          r.trigger_id === latency.triggerId &&
          r.channel === latency.channel &&
          r.arm === 'treatment',
      );
      expect(row).toMatchObject({
        latency_firings: latency.firings,
        latency_p50_ms: latency.p50Ms,
        latency_p90_ms: latency.p90Ms,
        within_window_rate: latency.withinWindowRate,
        expired_firings: latency.expired,
      });
    }

    // the period: lift from the snapshot, incidents from the views
    const period = await gqlData<{
      liftReport: {
        triggerId: string;
        qValue: number | null;
        incrementalConversions: { estimate: number } | null;
        verdict: string;
      }[];
      suppressionAudit: {
        triggerId: string;
        convertedThenTargeted: number;
        convertedInFlight: number;
        capBreaches: number;
      }[];
      consentAudit: {
        nonCompliantActivations: number;
        byTrigger: { triggerId: string; nonCompliant: number }[];
      };
    }>(
      api.url,
      key,
      `query($from: DateTime!, $to: DateTime!) {
         liftReport(from: $from, to: $to) { triggerId qValue incrementalConversions { estimate } verdict }
         suppressionAudit(from: $from, to: $to) { triggerId convertedThenTargeted convertedInFlight capBreaches }
         consentAudit(from: $from, to: $to) { nonCompliantActivations byTrigger { triggerId nonCompliant } } }`,
      { from: FROM, to: TO },
    );
    const lift = await json('lift');
    expect(lift.map((r) => r.trigger_id).sort()).toEqual(
      period.liftReport.map((r) => r.triggerId).sort(),
    );
    for (const row of period.liftReport) {
      expect(lift.find((r) => r.trigger_id === row.triggerId)).toMatchObject({
        q_value: row.qValue,
        incremental_conversions: row.incrementalConversions?.estimate ?? null,
        verdict: row.verdict,
      });
    }
    const suppression = await json('suppression_incidents');
    const count = (triggerId: string, failure: string) =>
      suppression.filter((r) => r.trigger_id === triggerId && r.failure === failure).length;
    for (const row of period.suppressionAudit) {
      expect([
        row.triggerId,
        count(row.triggerId, 'converted_then_targeted'),
        count(row.triggerId, 'converted_in_flight'),
        count(row.triggerId, 'cap_breach'),
      ]).toEqual([
        row.triggerId,
        row.convertedThenTargeted,
        row.convertedInFlight,
        row.capBreaches,
      ]);
    }
    const consent = await json('consent_incidents');
    expect(consent.length).toBe(period.consentAudit.nonCompliantActivations);
    for (const row of period.consentAudit.byTrigger) {
      expect(consent.filter((r) => r.trigger_id === row.triggerId).length).toBe(row.nonCompliant);
    }
  });

  it('refuses what it cannot serve, in words', async () => {
    const unknown = await fetch(exportUrl('people', 'csv'), { headers: auth() });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toMatch(/trigger_daily, lift/);
    const format = await fetch(exportUrl('lift', 'xlsx'), { headers: auth() });
    expect(format.status).toBe(400);
    expect(((await format.json()) as { message: string }).message).toMatch(/csv, parquet, json/);
    // a parameter given twice names no one value: refused, not read as the default csv
    const twice = await fetch(`${exportUrl('lift', 'csv')}&format=parquet`, { headers: auth() });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { message: string }).message).toBe(
      'format is given more than once ("csv", "parquet"); give it once',
    );
    // a mistyped dataset is named before the period it lacks
    const unknownFirst = await fetch(`${api.url}/v1/export/people`, { headers: auth() });
    expect(unknownFirst.status).toBe(404);
    expect(((await unknownFirst.json()) as { message: string }).message).toMatch(
      /^unknown dataset "people"/,
    );
    const noPeriod = await fetch(`${api.url}/v1/export/lift?format=csv`, { headers: auth() });
    expect(noPeriod.status).toBe(400);
    expect(((await noPeriod.json()) as { message: string }).message).toMatch(
      /^from is required as an ISO-8601 time/,
    );
    const unreadable = await fetch(`${api.url}/v1/export/lift?from=last-week&to=2026-10-31`, {
      headers: auth(),
    });
    expect(unreadable.status).toBe(400);
    expect(((await unreadable.json()) as { message: string }).message).toMatch(
      /^from "last-week" is not an ISO-8601 time/,
    );
    // A time without an offset would name another period on a server in another time zone.
    const naive = await fetch(
      `${api.url}/v1/export/lift?from=2026-10-01T00:00:00&to=2026-10-31T00:00:00Z`,
      { headers: auth() },
    );
    expect(naive.status).toBe(400);
    expect(((await naive.json()) as { message: string }).message).toMatch(
      /^from "2026-10-01T00:00:00" is not an ISO-8601 time \(timestamp has no UTC offset/,
    );
    expect((await fetch(exportUrl('lift', 'csv'))).status).toBe(401);
    const ingestOnly = await mintKey(api.url, api.adminKey, 'demo', ['INGEST']);
    expect((await fetch(exportUrl('lift', 'csv'), { headers: auth(ingestOnly) })).status).toBe(403);
  });
});
