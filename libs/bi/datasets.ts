// The curated datasets of GET /v1/export/{dataset}: each is a bi_* view (clickhouse/bi/views,
// applied by the migrations), one tenant's rows, filtered by period. Every value is a bound
// parameter; the view, filter and order are constants chosen by name from this allowlist.

import type { ClickHouseSettings } from '@clickhouse/client';
import { UTCDate } from '@date-fns/utc';
import { startOfDay } from 'date-fns';
import { z } from 'zod';
import { periodFileDays, periodParams } from '../measurement/index.js';
import { defineQuery, type QueryDefinition } from '../storage/index.js';

/** How a dataset is cut to [from, to). */
export interface ExportDataset {
  /** The curated view (columns documented in clickhouse/bi/README.md). */
  view: string;
  /** Which rows the period selects, in words (for the API's answer and the docs). */
  period: string;
  /** SQL condition over the view's columns with {from:DateTime64(3, 'UTC')} and {to:...}. */
  where: string;
  orderBy: string;
  /** Extra columns after the view's (`'snapshot' AS source`). */
  extraColumns?: string;
  /** Rows are whole UTC days, from the day of `from` to the day before the day of `to`. */
  wholeDays?: true;
}

export const EXPORT_DATASETS = {
  trigger_daily: {
    view: 'bi_trigger_daily',
    period: 'UTC days from the day of `from` to the day before the day of `to`',
    where:
      "date >= toDate({from:DateTime64(3, 'UTC')}) AND date < toDate({to:DateTime64(3, 'UTC')})",
    orderBy: 'date, trigger_id, channel, arm',
    wholeDays: true,
  },
  lift: {
    view: 'bi_lift',
    period:
      'the period [from, to): its newest stored report snapshot, else computed (the `source` column says which)',
    where: "period_from = {from:DateTime64(3, 'UTC')} AND period_to = {to:DateTime64(3, 'UTC')}",
    orderBy: 'trigger_id',
    extraColumns: "'snapshot' AS source",
  },
  guardrails: {
    view: 'bi_guardrails',
    period:
      'the period [from, to): its newest stored report snapshot, else computed (the `source` column says which)',
    where: "period_from = {from:DateTime64(3, 'UTC')} AND period_to = {to:DateTime64(3, 'UTC')}",
    orderBy: 'trigger_id, outcome_class',
    extraColumns: "'snapshot' AS source",
  },
  consent_incidents: {
    view: 'bi_consent_incidents',
    period: 'firings decided in [from, to)',
    where: "decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}",
    orderBy: 'decided_at, firing_id',
  },
  suppression_incidents: {
    view: 'bi_suppression_incidents',
    period: 'firings decided in [from, to)',
    where: "decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}",
    orderBy: 'decided_at, firing_id, failure',
  },
  trigger_trend: {
    view: 'bi_trigger_trend',
    period: 'UTC days from the day of `from` to the day before the day of `to`',
    where:
      "date >= toDate({from:DateTime64(3, 'UTC')}) AND date < toDate({to:DateTime64(3, 'UTC')})",
    orderBy: 'date, trigger_id',
    wholeDays: true,
  },
} as const satisfies Record<string, ExportDataset>;

export type ExportDatasetName = keyof typeof EXPORT_DATASETS;

export const EXPORT_DATASET_NAMES = Object.keys(EXPORT_DATASETS) as ExportDatasetName[];

export function isExportDataset(name: string): name is ExportDatasetName {
  return Object.hasOwn(EXPORT_DATASETS, name);
}

/**
 * Where a read of the BI views moves its grouping and sorting to disk: once the read holds 2 GB,
 * half of the BI profile's 4 GB a query (the split ClickHouse's documentation advises). A plain
 * view works every day out again when read: over the benchmark's month (10M firings, 1M persons),
 * `bi_trigger_daily` needed about 6 GB in memory and the profile stopped it; with these it
 * answered the same rows at a peak of 2.4 GiB, 16% slower. A week's read spills too, and took
 * 10.6 s through the API against 7.3: the embedded engine shares the API's process, so bounded
 * memory is worth that. The engine's own default (half of the limit,
 * `max_bytes_ratio_before_external_group_by`) did not spill the month: it failed at the limit.
 */
export const BI_SPILL_SETTINGS = {
  max_bytes_before_external_group_by: '2000000000',
  max_bytes_before_external_sort: '2000000000',
} as const satisfies ClickHouseSettings;

/**
 * How the engine writes every export: a null is an empty CSV field (not `\\N`, which spreadsheets
 * show as text), and a time is ISO-8601 with its `Z` (a time without a zone reads as local time).
 * It spills as the BI profile does, so that one export does not take the API's memory past what
 * a BI user's read may take.
 */
export const EXPORT_SETTINGS = {
  format_csv_null_representation: '',
  date_time_output_format: 'iso',
  ...BI_SPILL_SETTINGS,
} as const satisfies ClickHouseSettings;

/** A row of an export: the view's columns, streamed in the engine's format, never parsed here. */
const exportRow = z.record(z.string(), z.unknown());

/** The statement of one dataset for one tenant and period; the tenant column is left out. */
export type ExportQuery = QueryDefinition<typeof periodParams, typeof exportRow>;

function exportQuery(name: ExportDatasetName): ExportQuery {
  const dataset: ExportDataset = EXPORT_DATASETS[name];
  return defineQuery({
    name: `export.${name}`,
    module: import.meta.url,
    sql: `-- export ${name}: one tenant's rows of ${dataset.view} in the period
SELECT * EXCEPT (tenant_id)${dataset.extraColumns === undefined ? '' : `, ${dataset.extraColumns}`}
FROM ${dataset.view}
WHERE tenant_id = {tenantId:String} AND ${dataset.where}
ORDER BY ${dataset.orderBy}`,
    params: periodParams,
    row: exportRow,
    settings: EXPORT_SETTINGS,
  });
}

/** The statement of every dataset. */
export const EXPORT_QUERIES = Object.fromEntries(
  EXPORT_DATASET_NAMES.map((name) => [name, exportQuery(name)]),
) as Record<ExportDatasetName, ExportQuery>;

/** Whether a stored report snapshot of exactly [from, to) exists for the tenant. */
export const SNAPSHOT_COVERS_QUERY = defineQuery({
  name: 'export.snapshot_covers',
  module: import.meta.url,
  sql: `-- stored report snapshots of exactly the period asked
SELECT count() AS snapshots
FROM report_snapshots
WHERE tenant_id = {tenantId:String}
  AND period_from = {from:DateTime64(3, 'UTC')} AND period_to = {to:DateTime64(3, 'UTC')}`,
  params: periodParams,
  row: z.object({ snapshots: z.number() }),
});

/**
 * The name an export is saved under: the dataset and the first and last day its rows cover (the
 * end of the period is excluded, as in the lift report's PDF), so that October is
 * `causeway-trigger_daily-2026-10-01-2026-10-31.csv`, not a name that reaches into November.
 */
export function exportFileName(
  name: ExportDatasetName,
  from: Date,
  to: Date,
  extension: string,
): string {
  const dataset: ExportDataset = EXPORT_DATASETS[name];
  const utcDay = (d: Date) => startOfDay(new UTCDate(d.getTime()));
  const days =
    dataset.wholeDays === true
      ? periodFileDays(utcDay(from), utcDay(to))
      : periodFileDays(from, to);
  return `causeway-${name}-${days}.${extension}`;
}

/** The SQL of one dataset (EXPORT_QUERIES' statement). */
export function exportSql(name: ExportDatasetName): string {
  return EXPORT_QUERIES[name].sql;
}

/** Export formats: ClickHouse's own output format and the HTTP media type of each. */
export const EXPORT_FORMATS = {
  csv: { clickhouse: 'CSVWithNames', contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  parquet: {
    clickhouse: 'Parquet',
    contentType: 'application/vnd.apache.parquet',
    extension: 'parquet',
  },
  json: {
    clickhouse: 'JSONEachRow',
    contentType: 'application/x-ndjson; charset=utf-8',
    extension: 'ndjson',
  },
} as const;

export type ExportFormatName = keyof typeof EXPORT_FORMATS;

export function isExportFormat(name: string): name is ExportFormatName {
  return Object.hasOwn(EXPORT_FORMATS, name);
}
