// The lift and guardrails exports answer for a period no report snapshot covers (the demo's month
// before any snapshot): computed, and saying so in `source`, in CSV, Parquet and NDJSON; once a
// snapshot of the period is stored they answer from it, with the same figures, revenue capped as
// the report caps it (REPORT_REVENUE_CAP) either way.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gqlData, mintKey } from './support/client.js';
import { MAIN_PROGRAM_ONLY, uploadDemoProgram } from './support/demo-program.js';
import { startApi, type ApiProcess } from './support/processes.js';

const FROM = '2026-10-01T00:00:00Z';
const TO = '2026-10-31T00:00:00Z';

describe('lift and guardrails exports without a snapshot', () => {
  let api: ApiProcess;
  let key: string;

  const download = async (dataset: string, format: string): Promise<Buffer> => {
    const response = await fetch(
      `${api.url}/v1/export/${dataset}?from=${FROM}&to=${TO}&format=${format}`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect([dataset, format, response.status]).toEqual([dataset, format, 200]);
    return Buffer.from(await response.arrayBuffer());
  };
  const ndjson = async (dataset: string) =>
    (await download(dataset, 'json'))
      .toString('utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    // the report's revenue cap: each person's revenue counted up to 20 (a demo order is worth more)
    api = await startApi({ REPORT_REVENUE_CAP: '20' });
    key = await mintKey(api.url, api.adminKey, 'demo', ['INGEST', 'READ', 'ADMIN']);
    await uploadDemoProgram(api.url, key, {
      seed: 20_261_001,
      persons: 2_000,
      plantedBlockRows: MAIN_PROGRAM_ONLY,
    });
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('computes the demo month in CSV, Parquet and NDJSON, marked computed', async () => {
    const { liftReport, guardrails } = await gqlData<{
      liftReport: { triggerId: string; treatment: { persons: number }; verdict: string }[];
      guardrails: { triggerId: string; outcomeClass: string; pValue: number | null }[];
    }>(
      api.url,
      key,
      `query ExportFigures($from: DateTime!, $to: DateTime!) {
         liftReport(from: $from, to: $to) { triggerId treatment { persons } verdict }
         guardrails(from: $from, to: $to) { triggerId outcomeClass pValue } }`,
      { from: FROM, to: TO },
    );
    const lift = await ndjson('lift');
    expect(lift.map((r) => [r.trigger_id, r.treatment_persons, r.verdict, r.source])).toEqual(
      [...liftReport]
        .sort((a, b) => a.triggerId.localeCompare(b.triggerId))
        .map((r) => [r.triggerId, r.treatment.persons, r.verdict, 'computed']),
    );
    expect(lift[0].period_from).toBe('2026-10-01T00:00:00.000Z');
    expect(lift.every((r) => typeof r.trigger_name === 'string' && r.trigger_name !== '')).toBe(
      true,
    );
    const guard = await ndjson('guardrails');
    expect(guard.map((r) => [r.trigger_id, r.outcome_class, r.p_value, r.source])).toEqual(
      guardrails.map((r) => [r.triggerId, r.outcomeClass, r.pValue, 'computed']),
    );
    for (const dataset of ['lift', 'guardrails']) {
      const csv = (await download(dataset, 'csv')).toString('utf8');
      const lines = csv.trimEnd().split('\n');
      expect(lines.length).toBe((dataset === 'lift' ? lift : guard).length + 1);
      expect(lines[0].split(',').at(-1)).toBe('"source"');
      expect(csv).not.toContain('\\N');
      // every time is ISO-8601 with its Z; none without a zone
      expect(csv).toMatch(/"2026-10-01T00:00:00\.000Z","2026-10-31T00:00:00\.000Z"/);
      expect(csv).not.toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
      const parquet = await download(dataset, 'parquet');
      expect(parquet.subarray(0, 4).toString('latin1')).toBe('PAR1');
      expect(parquet.includes(Buffer.from('computed'))).toBe(true);
    }
    // a null (no estimate, e.g. an empty arm) is an empty CSV field
    const nullLift = guard.find((r) => r.absolute_lift === null);
    if (nullLift !== undefined) {
      const csv = (await download('guardrails', 'csv')).toString('utf8');
      expect(csv).toMatch(/,,/);
    }
  });

  it('answers from the snapshot once one covers the period, with the same figures', async () => {
    const before = await ndjson('lift');
    await gqlData(
      api.url,
      key,
      `mutation SnapshotMonth { createReportSnapshot(from: "${FROM}", to: "${TO}") { id } }`,
    );
    const after = await ndjson('lift');
    expect(after.map((r) => r.source)).toEqual(after.map(() => 'snapshot'));
    const figures = (rows: Record<string, unknown>[]) =>
      rows.map((r) => [
        r.trigger_id,
        r.treatment_persons,
        r.absolute_lift,
        r.verdict,
        r.treatment_revenue,
        r.incremental_revenue,
        r.revenue_cap_value,
      ]);
    expect(figures(after)).toEqual(figures(before));
    // both capped at the setting's 20, as the report and its snapshot are
    expect(before.map((r) => r.revenue_cap_value)).toEqual(before.map(() => 20));
  });
});
