-- export.guardrails.computed: generated from libs/bi/computed-datasets.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: measures String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), computedAt DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1, format_csv_null_representation = , date_time_output_format = iso, max_bytes_before_external_group_by = 2000000000, max_bytes_before_external_sort = 2000000000

-- export guardrails, computed: the rows the API computed for [from, to), passed as the same JSON a
-- report snapshot stores, read with the columns of bi_guardrails (datasets.spec.ts compares them)
WITH rows AS (
  -- one row per guardrails row, with the trigger's name from the same JSON
  SELECT measure_row,
         JSONExtractString(measure_row, 'triggerId') AS trigger_id,
         JSONExtractString(
           arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                      JSONExtractArrayRaw({measures:String}, 'triggers')),
           'name') AS defined_name,
         if(defined_name = '', trigger_id, defined_name) AS trigger_name
  FROM (SELECT arrayJoin(JSONExtractArrayRaw({measures:String}, 'guardrails')) AS measure_row)
)
SELECT
  {from:DateTime64(3, 'UTC')} AS period_from,
  {to:DateTime64(3, 'UTC')} AS period_to,
  '' AS snapshot_id,
  {computedAt:DateTime64(3, 'UTC')} AS snapshot_created_at,
  trigger_id,
  trigger_name,
  JSONExtractString(measure_row, 'outcomeClass') AS outcome_class,
  JSONExtract(measure_row, 'treatment', 'persons', 'UInt64') AS treatment_units,
  JSONExtract(measure_row, 'treatment', 'conversions', 'UInt64') AS treatment_events,
  JSONExtract(measure_row, 'treatment', 'rate', 'Float64') AS treatment_rate,
  JSONExtract(measure_row, 'holdout', 'persons', 'UInt64') AS holdout_units,
  JSONExtract(measure_row, 'holdout', 'conversions', 'UInt64') AS holdout_events,
  JSONExtract(measure_row, 'holdout', 'rate', 'Float64') AS holdout_rate,
  JSONExtract(measure_row, 'absoluteLift', 'estimate', 'Nullable(Float64)') AS absolute_lift,
  JSONExtract(measure_row, 'absoluteLift', 'low', 'Nullable(Float64)') AS absolute_lift_low,
  JSONExtract(measure_row, 'absoluteLift', 'high', 'Nullable(Float64)') AS absolute_lift_high,
  JSONExtract(measure_row, 'relativeLift', 'estimate', 'Nullable(Float64)') AS relative_lift,
  JSONExtract(measure_row, 'relativeLift', 'low', 'Nullable(Float64)') AS relative_lift_low,
  JSONExtract(measure_row, 'relativeLift', 'high', 'Nullable(Float64)') AS relative_lift_high,
  JSONExtract(measure_row, 'pValue', 'Nullable(Float64)') AS p_value,
  JSONExtractString(measure_row, 'verdict') AS verdict,
  'computed' AS source
FROM rows
ORDER BY trigger_id, outcome_class
