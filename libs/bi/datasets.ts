// The curated datasets of GET /v1/export/{dataset}: each is a bi_* view (clickhouse/bi/views,
// applied by the migrations), one tenant's rows, filtered by period. Every value is a bound
// parameter; the view, filter and order are constants chosen by name from this allowlist.

import { z } from 'zod';
import { periodParams } from '../measurement/index.js';
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
}

export const EXPORT_DATASETS = {
  trigger_daily: {
    view: 'bi_trigger_daily',
    period: 'UTC days from the day of `from` to the day before the day of `to`',
    where:
      "date >= toDate({from:DateTime64(3, 'UTC')}) AND date < toDate({to:DateTime64(3, 'UTC')})",
    orderBy: 'date, trigger_id, channel, arm',
  },
  lift: {
    view: 'bi_lift',
    period: 'stored report snapshots whose period lies inside [from, to)',
    where: "period_from >= {from:DateTime64(3, 'UTC')} AND period_to <= {to:DateTime64(3, 'UTC')}",
    orderBy: 'period_from, period_to, trigger_id',
  },
  guardrails: {
    view: 'bi_guardrails',
    period: 'stored report snapshots whose period lies inside [from, to)',
    where: "period_from >= {from:DateTime64(3, 'UTC')} AND period_to <= {to:DateTime64(3, 'UTC')}",
    orderBy: 'period_from, period_to, trigger_id, outcome_class',
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
  },
} as const satisfies Record<string, ExportDataset>;

export type ExportDatasetName = keyof typeof EXPORT_DATASETS;

export const EXPORT_DATASET_NAMES = Object.keys(EXPORT_DATASETS) as ExportDatasetName[];

export function isExportDataset(name: string): name is ExportDatasetName {
  return Object.hasOwn(EXPORT_DATASETS, name);
}

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
SELECT * EXCEPT (tenant_id)
FROM ${dataset.view}
WHERE tenant_id = {tenantId:String} AND ${dataset.where}
ORDER BY ${dataset.orderBy}`,
    params: periodParams,
    row: exportRow,
  });
}

/** The statement of every dataset. */
export const EXPORT_QUERIES = Object.fromEntries(
  EXPORT_DATASET_NAMES.map((name) => [name, exportQuery(name)]),
) as Record<ExportDatasetName, ExportQuery>;

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
