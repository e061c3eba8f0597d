import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { generateProgram } from '../demo/index.js';
import { seedRows } from '../measurement/testing.js';
import type { ReportMeasures } from '../reports/index.js';
import { fixtureMeasures } from '../reports/testing.js';
import { storeForSuite } from '../storage/testing.js';
import { BI_READABLE } from './bi-user.js';
import { COMPUTED_EXPORT_QUERIES } from './computed-datasets.js';
import {
  EXPORT_SETTINGS,
  EXPORT_DATASET_NAMES,
  EXPORT_QUERIES,
  EXPORT_FORMATS,
  exportFileName,
  exportSql,
  isExportDataset,
  isExportFormat,
} from './datasets.js';

const PERIOD = { from: '2026-10-01 00:00:00.000', to: '2026-10-31 00:00:00.000' };

/**
 * The fixture's measures with a lift row and a guardrail row of a trigger that has no definition
 * (its firings arrived, its definition did not), which the report names by its id.
 */
function snapshotMeasures(): ReportMeasures {
  const measures = fixtureMeasures();
  const lift = measures.lift.find((l) => l.triggerId === 'works')!;
  const guardrail = measures.guardrails.find((g) => g.triggerId === 'works')!;
  return {
    ...measures,
    lift: [...measures.lift, { ...lift, triggerId: 'undefined-one' }],
    guardrails: [...measures.guardrails, { ...guardrail, triggerId: 'undefined-one' }],
  };
}

/**
 * The rows with every number matched to 1e-9 of its size: the engine adds floating sums in no
 * fixed order (one read gave 2250, another 2249.9999999999995), and a count still matches to the
 * unit.
 */
function matching(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([name, value]) => [
        name,
        typeof value === 'number'
          ? expect.closeTo(value, Math.max(0, 9 - Math.ceil(Math.log10(Math.abs(value) + 1))))
          : value,
      ]),
    ),
  );
}

describe('export datasets on the engine', () => {
  const store = storeForSuite();

  beforeAll(async () => {
    const program = generateProgram({ seed: 11, persons: 300 });
    await seedRows(store.clickhouse, 'a', program.rows);
    await seedRows(store.clickhouse, 'b', {
      triggers: program.rows.triggers,
      firings: program.rows.firings.slice(0, 50),
    });
    const measures = snapshotMeasures();
    await store.clickhouse.insert({
      table: 'report_snapshots',
      tag: 'test.snapshot',
      rows: [
        {
          tenant_id: 'a',
          snapshot_id: 'rs_fixture',
          kind: 'on_demand',
          period_from: PERIOD.from,
          period_to: PERIOD.to,
          created_at: '2026-11-02 09:30:00.000',
          measures: JSON.stringify(measures),
          html: '<!DOCTYPE html>',
        },
      ],
    });
  });

  const rows = (dataset: (typeof EXPORT_DATASET_NAMES)[number], tenantId: string) =>
    store.clickhouse.query({
      tag: 'test.export',
      sql: exportSql(dataset),
      params: { tenantId, ...PERIOD },
      row: z.record(z.string(), z.unknown()),
      // as an export reads them (ISO times), which the computed datasets are compared with
      settings: EXPORT_SETTINGS,
    });

  it('runs every dataset for one tenant, without the tenant column', async () => {
    for (const dataset of EXPORT_DATASET_NAMES) {
      const a = await rows(dataset, 'a');
      expect([dataset, a.length > 0]).toEqual([dataset, true]);
      expect(Object.keys(a[0] ?? {})).not.toContain('tenant_id');
    }
    // tenant b has firings only: its rows are its own, and fewer
    const daily = await rows('trigger_daily', 'b');
    expect(daily.reduce((n, r) => n + Number(r.firings), 0)).toBe(50);
    expect(await rows('lift', 'b')).toEqual([]);
  });

  it('answers every dataset the same when its grouping spills to disk', async () => {
    // the grouping threshold at one byte, and every grouping two-level (the engine spills only
    // those): the views' aggregations go through disk, which the engine's counter shows
    const spilled = {
      ...EXPORT_SETTINGS,
      max_bytes_before_external_group_by: '1',
      max_bytes_before_external_sort: '1',
      group_by_two_level_threshold: '1',
      group_by_two_level_threshold_bytes: '1',
    };
    const spilledParts = async () =>
      (
        await store.clickhouse.query({
          tag: 'test.spill_counter',
          sql: "SELECT sum(value) AS parts FROM system.events WHERE event = 'ExternalAggregationWritePart'",
          row: z.object({ parts: z.number() }),
        })
      )[0]?.parts ?? 0;
    const spilledBy = new Map<string, number>();
    for (const dataset of EXPORT_DATASET_NAMES) {
      const inMemory = await rows(dataset, 'a');
      const before = await spilledParts();
      const onDisk = await store.clickhouse.query({
        tag: 'test.export_spilled',
        sql: exportSql(dataset),
        params: { tenantId: 'a', ...PERIOD },
        row: z.record(z.string(), z.unknown()),
        settings: spilled,
      });
      spilledBy.set(dataset, (await spilledParts()) - before);
      expect([dataset, onDisk]).toEqual([dataset, matching(inMemory)]);
    }
    // the views that work their figures out of the streams did spill (the snapshot ones group
    // nothing worth it)
    for (const dataset of [
      'trigger_daily',
      'consent_incidents',
      'suppression_incidents',
      'trigger_trend',
    ]) {
      expect([dataset, spilledBy.get(dataset)! > 0]).toEqual([dataset, true]);
    }
  });

  it('reads every view alike whatever join_use_nulls the reader sets', async () => {
    // a BI tool may set join_use_nulls = 1 (the profile lets it), a server's default profile may
    // too: each view states its own, so a join that finds nothing still reads defaults, not NULL
    // tenant c: the program's firings and outcomes under triggers never defined, which the views
    // measure with the default success types and windows found by a join that finds nothing
    const program = generateProgram({ seed: 12, persons: 200 });
    await seedRows(store.clickhouse, 'c', {
      firings: program.rows.firings.map((f) => ({ ...f, trigger_id: `undefined-${f.trigger_id}` })),
      outcomes: program.rows.outcomes,
      exposures: program.rows.exposures,
      signals: program.rows.signals,
      consent: program.rows.consent,
    });
    for (const view of BI_READABLE.filter((t) => t.startsWith('bi_'))) {
      const read = (joinUseNulls: 0 | 1) =>
        store.clickhouse.query({
          tag: 'test.view_join_use_nulls',
          sql: `SELECT * FROM ${view} ORDER BY ALL`,
          row: z.record(z.string(), z.unknown()),
          settings: { ...EXPORT_SETTINGS, join_use_nulls: joinUseNulls },
        });
      const asStated = await read(0);
      expect([view, asStated.length > 0]).toEqual([view, true]);
      expect([view, await read(1)]).toEqual([view, matching(asStated)]);
    }
  });

  it('reads lift and guardrails out of the snapshot measures, field by field', async () => {
    const measures = snapshotMeasures();
    const lift = await rows('lift', 'a');
    expect(lift.map((r) => r.trigger_id)).toEqual(measures.lift.map((l) => l.triggerId).sort());
    const works = measures.lift.find((l) => l.triggerId === 'works')!;
    expect(lift.find((r) => r.trigger_id === 'works')).toMatchObject({
      snapshot_id: 'rs_fixture',
      trigger_name: 'Cart <recovery> & "friends"',
      channel: 'email',
      treatment_persons: works.treatment.persons,
      holdout_conversions: works.holdout.conversions,
      absolute_lift: works.absoluteLift?.estimate,
      relative_lift_high: works.relativeLift?.high,
      q_value: works.qValue,
      incremental_revenue_low: works.incrementalRevenue?.low,
      srm_flagged: false,
      too_little_data: false,
      verdict: works.verdict,
    });
    expect(lift.find((r) => r.trigger_id === 'works')).toMatchObject({
      trigger_status: 'live',
      in_report_totals: true,
    });
    // the report's headline leaves out a paused trigger and one it cannot read
    expect(lift.find((r) => r.trigger_id === 'paused')).toMatchObject({
      trigger_status: 'paused',
      in_report_totals: false,
    });
    expect(lift.find((r) => r.trigger_id === 'srm')).toMatchObject({
      srm_flagged: true,
      in_report_totals: false,
    });
    expect(lift.find((r) => r.trigger_id === 'thin')).toMatchObject({ too_little_data: true });
    // a trigger without a definition is named by its id, as the report names it
    expect(lift.find((r) => r.trigger_id === 'undefined-one')).toMatchObject({
      trigger_name: 'undefined-one',
      in_report_totals: false,
    });
    const guardrails = await rows('guardrails', 'a');
    expect(
      guardrails.map((r) => [r.trigger_id, r.trigger_name, r.outcome_class, r.absolute_lift]),
    ).toEqual([
      ['harms', 'Push blast', 'overwhelm', 0.03],
      ['harms', 'Push blast', 'regret', null],
      ['undefined-one', 'undefined-one', 'overwhelm', 0.001],
      ['works', 'Cart <recovery> & "friends"', 'overwhelm', 0.001],
    ]);
  });

  it('computes lift and guardrails into the very columns of the snapshot views', async () => {
    const measures = JSON.stringify(snapshotMeasures());
    for (const dataset of ['lift', 'guardrails'] as const) {
      const computed = await store.clickhouse.run(COMPUTED_EXPORT_QUERIES[dataset], {
        ...PERIOD,
        computedAt: '2026-12-01 10:00:00.000',
        measures,
      });
      const stored = await rows(dataset, 'a');
      // same columns in the same order, and the same values but for where they came from
      expect(computed.map((r) => Object.keys(r))).toEqual(stored.map((r) => Object.keys(r)));
      const strip = (r: Record<string, unknown>) => ({
        ...r,
        snapshot_id: undefined,
        snapshot_created_at: undefined,
        source: undefined,
      });
      expect(computed.map(strip)).toEqual(stored.map(strip));
      expect(computed.map((r) => [r.source, r.snapshot_id])).toEqual(
        computed.map(() => ['computed', '']),
      );
      expect(stored.map((r) => r.source)).toEqual(stored.map(() => 'snapshot'));
    }
  });

  it('writes CSV nulls as empty fields and times as ISO-8601 with Z', async () => {
    const stream = await store.clickhouse.streamRun(
      EXPORT_QUERIES.guardrails,
      { tenantId: 'a', ...PERIOD },
      'CSVWithNames',
    );
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
    }
    const [header, ...lines] = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    const columns = header.split(',').map((c) => JSON.parse(c) as string);
    const regret = lines
      .map((line) => line.split(','))
      .find((cells) => cells[columns.indexOf('outcome_class')] === '"regret"')!;
    // the fixture's regret row has no estimate: null, written as nothing between two commas
    expect(regret[columns.indexOf('absolute_lift')]).toBe('');
    expect(Buffer.concat(chunks).toString('utf8')).not.toContain('\\N');
    expect(regret[columns.indexOf('period_from')]).toBe('"2026-10-01T00:00:00.000Z"');
    expect(regret[columns.indexOf('snapshot_created_at')]).toBe('"2026-11-02T09:30:00.000Z"');
  });

  it('streams each format as ClickHouse writes it', async () => {
    for (const [name, format] of Object.entries(EXPORT_FORMATS)) {
      const stream = await store.clickhouse.stream({
        tag: 'test.export_stream',
        sql: exportSql('trigger_daily'),
        params: { tenantId: 'a', ...PERIOD },
        format: format.clickhouse,
      });
      const chunks: Buffer[] = [];
      for await (const chunk of stream) {
        chunks.push(chunk as Buffer);
      }
      const body = Buffer.concat(chunks);
      const head = body.subarray(0, 6).toString('latin1');
      expect([name, head]).toEqual([
        name,
        name === 'parquet' ? expect.stringMatching(/^PAR1/) : name === 'csv' ? '"date"' : '{"date',
      ]);
    }
  });

  it('names a file by the first and last day its rows cover', () => {
    const name = (dataset: 'trigger_daily' | 'consent_incidents', from: string, to: string) =>
      exportFileName(dataset, new Date(from), new Date(to), 'csv');
    // October: 1 Oct to 31 Oct, not a name that reaches into November
    expect(name('trigger_daily', '2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z')).toBe(
      'causeway-trigger_daily-2026-10-01-2026-10-31.csv',
    );
    // a period ending at noon: the firings of that morning, but no whole day of it
    expect(name('consent_incidents', '2026-10-01T00:00:00Z', '2026-10-31T12:00:00Z')).toBe(
      'causeway-consent_incidents-2026-10-01-2026-10-31.csv',
    );
    expect(name('trigger_daily', '2026-10-01T12:00:00Z', '2026-10-31T12:00:00Z')).toBe(
      'causeway-trigger_daily-2026-10-01-2026-10-30.csv',
    );
  });

  it('takes dataset and format names from its allowlist only', () => {
    expect(isExportDataset('lift')).toBe(true);
    expect(isExportDataset('api_keys')).toBe(false);
    expect(isExportDataset('toString')).toBe(false);
    expect(isExportFormat('parquet')).toBe(true);
    expect(isExportFormat('TabSeparated')).toBe(false);
  });
});
