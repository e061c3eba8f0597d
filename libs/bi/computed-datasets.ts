// The `lift` and `guardrails` exports for a period no stored report snapshot covers: the API
// computes the rows (liftReport, guardrails) and the engine writes them, with the very columns of
// bi_lift and bi_guardrails, in its own CSV, Parquet or NDJSON. The rows travel as one bound
// JSON parameter shaped as a snapshot's `measures`, so the column extraction is the views'.

import { z } from 'zod';
import { defineQuery, type QueryDefinition } from '../storage/index.js';
import { EXPORT_SETTINGS } from './datasets.js';

/** The parameters of a computed export: the period, when it was computed, and the rows as JSON. */
export const computedExportParams = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  computedAt: z.string().min(1),
  measures: z.string().min(2),
});

const exportRow = z.record(z.string(), z.unknown());

export type ComputedExportQuery = QueryDefinition<typeof computedExportParams, typeof exportRow>;

/** The datasets that are computed when no snapshot covers the period. */
export const COMPUTED_DATASETS = ['lift', 'guardrails'] as const;
export type ComputedDatasetName = (typeof COMPUTED_DATASETS)[number];

/**
 * A field of the row's trigger in the `triggers` array of the measures JSON; its name is its id
 * when it has no definition there (as the views, and the report, name it).
 */
function triggerField(field: 'name' | 'status'): string {
  const extract = (alias: string) => `JSONExtractString(
           arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                      JSONExtractArrayRaw({measures:String}, 'triggers')),
           '${field}') AS ${alias}`;
  return field === 'status'
    ? extract('trigger_status')
    : `${extract('defined_name')},
         if(defined_name = '', trigger_id, defined_name) AS trigger_name`;
}

/**
 * The start of a computed export: one `measure_row` per row of the `key` array of the measures
 * JSON, with its trigger's id and name (and for lift its status) from the same JSON, then the
 * period and snapshot columns every export of a report begins with.
 */
function measureRows(key: 'lift' | 'guardrails'): string {
  const fields = key === 'lift' ? (['name', 'status'] as const) : (['name'] as const);
  return `WITH rows AS (
  -- one row per ${key} row, with the trigger's ${fields.join(' and ')} from the same JSON
  SELECT measure_row,
         JSONExtractString(measure_row, 'triggerId') AS trigger_id,
         ${fields.map(triggerField).join(',\n         ')}
  FROM (SELECT arrayJoin(JSONExtractArrayRaw({measures:String}, '${key}')) AS measure_row)
)
SELECT
  {from:DateTime64(3, 'UTC')} AS period_from,
  {to:DateTime64(3, 'UTC')} AS period_to,
  '' AS snapshot_id,
  {computedAt:DateTime64(3, 'UTC')} AS snapshot_created_at,
  trigger_id,
  trigger_name,`;
}

/** The interval `field` of the row as three columns: `column` (the estimate), `_low`, `_high`. */
function intervalColumns(field: string, column: string): string {
  const extract = (part: string, name: string): string =>
    `  JSONExtract(measure_row, '${field}', '${part}', 'Nullable(Float64)') AS ${name},`;
  return [
    extract('estimate', column),
    extract('low', `${column}_low`),
    extract('high', `${column}_high`),
  ].join('\n');
}

/**
 * An arm's counts of the row (`treatment` or `holdout`) as columns named after the arm: its
 * persons and conversions under the dataset's names for them, its rate, and, where the dataset has
 * it, its revenue.
 */
function armColumns(
  arm: 'treatment' | 'holdout',
  names: { persons: string; conversions: string; revenue: boolean },
): string {
  const extract = (field: string, type: string, name: string): string =>
    `  JSONExtract(measure_row, '${arm}', '${field}', '${type}') AS ${arm}_${name},`;
  return [
    extract('persons', 'UInt64', names.persons),
    extract('conversions', 'UInt64', names.conversions),
    extract('rate', 'Float64', 'rate'),
    ...(names.revenue ? [extract('revenue', 'Float64', 'revenue')] : []),
  ].join('\n');
}

/** bi_lift counts persons and conversions, and has each arm's revenue. */
const LIFT_ARM_COLUMNS = { persons: 'persons', conversions: 'conversions', revenue: true };

/** bi_guardrails counts units and events (of the outcome class), without revenue. */
const GUARDRAIL_ARM_COLUMNS = { persons: 'units', conversions: 'events', revenue: false };

export const COMPUTED_EXPORT_QUERIES: Record<ComputedDatasetName, ComputedExportQuery> = {
  lift: defineQuery({
    name: 'export.lift.computed',
    module: import.meta.url,
    sql: `-- export lift, computed: the rows the API computed for [from, to), passed as the same JSON a
-- report snapshot stores, read with the columns of bi_lift (datasets.spec.ts compares them)
${measureRows('lift')}
  JSONExtractString(measure_row, 'channel') AS channel,
${armColumns('treatment', LIFT_ARM_COLUMNS)}
${armColumns('holdout', LIFT_ARM_COLUMNS)}
${intervalColumns('absoluteLift', 'absolute_lift')}
${intervalColumns('relativeLift', 'relative_lift')}
  JSONExtract(measure_row, 'pValue', 'Nullable(Float64)') AS p_value,
  JSONExtract(measure_row, 'qValue', 'Nullable(Float64)') AS q_value,
${intervalColumns('incrementalConversions', 'incremental_conversions')}
${intervalColumns('incrementalRevenue', 'incremental_revenue')}
  JSONExtract(measure_row, 'srm', 'expectedHoldoutShare', 'Nullable(Float64)') AS srm_expected_holdout_share,
  JSONExtract(measure_row, 'srm', 'observedHoldoutShare', 'Nullable(Float64)') AS srm_observed_holdout_share,
  JSONExtract(measure_row, 'srm', 'pValue', 'Nullable(Float64)') AS srm_p_value,
  JSONExtract(measure_row, 'srm', 'flagged', 'Bool') AS srm_flagged,
  toBool(startsWith(JSONExtractString(measure_row, 'verdict'), 'too little data')) AS too_little_data,
  JSONExtract(measure_row, 'contaminatedPersons', 'UInt64') AS contaminated_persons,
  JSONExtract(measure_row, 'confidence', 'Float64') AS confidence,
  JSONExtractString(measure_row, 'method') AS method,
  JSONExtractString(measure_row, 'verdict') AS verdict,
  trigger_status,
  -- the report's headline adds up the live triggers whose holdout can be read (as bi_lift)
  trigger_status = 'live' AND NOT srm_flagged
    AND JSONLength(measure_row, 'srm', 'sharesInPeriod') = 0
    AND NOT too_little_data AND absolute_lift IS NOT NULL AS in_report_totals,
  JSONExtract(measure_row, 'revenueCapValue', 'Nullable(Float64)') AS revenue_cap_value,
  'computed' AS source
FROM rows
ORDER BY trigger_id`,
    params: computedExportParams,
    row: exportRow,
    settings: EXPORT_SETTINGS,
  }),
  guardrails: defineQuery({
    name: 'export.guardrails.computed',
    module: import.meta.url,
    sql: `-- export guardrails, computed: the rows the API computed for [from, to), passed as the same JSON a
-- report snapshot stores, read with the columns of bi_guardrails (datasets.spec.ts compares them)
${measureRows('guardrails')}
  JSONExtractString(measure_row, 'outcomeClass') AS outcome_class,
${armColumns('treatment', GUARDRAIL_ARM_COLUMNS)}
${armColumns('holdout', GUARDRAIL_ARM_COLUMNS)}
${intervalColumns('absoluteLift', 'absolute_lift')}
${intervalColumns('relativeLift', 'relative_lift')}
  JSONExtract(measure_row, 'pValue', 'Nullable(Float64)') AS p_value,
  JSONExtractString(measure_row, 'verdict') AS verdict,
  'computed' AS source
FROM rows
ORDER BY trigger_id, outcome_class`,
    params: computedExportParams,
    row: exportRow,
    settings: EXPORT_SETTINGS,
  }),
};
