-- export.lift.computed: generated from libs/bi/computed-datasets.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: measures String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), computedAt DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1, format_csv_null_representation = , date_time_output_format = iso, max_bytes_before_external_group_by = 2000000000, max_bytes_before_external_sort = 2000000000

-- export lift, computed: the rows the API computed for [from, to), passed as the same JSON a
-- report snapshot stores, read with the columns of bi_lift (datasets.spec.ts compares them)
WITH rows AS (
  -- one row per lift row, with the trigger's name and status from the same JSON
  SELECT measure_row,
         JSONExtractString(measure_row, 'triggerId') AS trigger_id,
         JSONExtractString(
           arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                      JSONExtractArrayRaw({measures:String}, 'triggers')),
           'name') AS defined_name,
         if(defined_name = '', trigger_id, defined_name) AS trigger_name,
         JSONExtractString(
           arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                      JSONExtractArrayRaw({measures:String}, 'triggers')),
           'status') AS trigger_status
  FROM (SELECT arrayJoin(JSONExtractArrayRaw({measures:String}, 'lift')) AS measure_row)
)
SELECT
  {from:DateTime64(3, 'UTC')} AS period_from,
  {to:DateTime64(3, 'UTC')} AS period_to,
  '' AS snapshot_id,
  {computedAt:DateTime64(3, 'UTC')} AS snapshot_created_at,
  trigger_id,
  trigger_name,
  JSONExtractString(measure_row, 'channel') AS channel,
  JSONExtract(measure_row, 'treatment', 'persons', 'UInt64') AS treatment_persons,
  JSONExtract(measure_row, 'treatment', 'conversions', 'UInt64') AS treatment_conversions,
  JSONExtract(measure_row, 'treatment', 'rate', 'Float64') AS treatment_rate,
  JSONExtract(measure_row, 'treatment', 'revenue', 'Float64') AS treatment_revenue,
  JSONExtract(measure_row, 'holdout', 'persons', 'UInt64') AS holdout_persons,
  JSONExtract(measure_row, 'holdout', 'conversions', 'UInt64') AS holdout_conversions,
  JSONExtract(measure_row, 'holdout', 'rate', 'Float64') AS holdout_rate,
  JSONExtract(measure_row, 'holdout', 'revenue', 'Float64') AS holdout_revenue,
  JSONExtract(measure_row, 'absoluteLift', 'estimate', 'Nullable(Float64)') AS absolute_lift,
  JSONExtract(measure_row, 'absoluteLift', 'low', 'Nullable(Float64)') AS absolute_lift_low,
  JSONExtract(measure_row, 'absoluteLift', 'high', 'Nullable(Float64)') AS absolute_lift_high,
  JSONExtract(measure_row, 'relativeLift', 'estimate', 'Nullable(Float64)') AS relative_lift,
  JSONExtract(measure_row, 'relativeLift', 'low', 'Nullable(Float64)') AS relative_lift_low,
  JSONExtract(measure_row, 'relativeLift', 'high', 'Nullable(Float64)') AS relative_lift_high,
  JSONExtract(measure_row, 'pValue', 'Nullable(Float64)') AS p_value,
  JSONExtract(measure_row, 'qValue', 'Nullable(Float64)') AS q_value,
  JSONExtract(measure_row, 'incrementalConversions', 'estimate', 'Nullable(Float64)') AS incremental_conversions,
  JSONExtract(measure_row, 'incrementalConversions', 'low', 'Nullable(Float64)') AS incremental_conversions_low,
  JSONExtract(measure_row, 'incrementalConversions', 'high', 'Nullable(Float64)') AS incremental_conversions_high,
  JSONExtract(measure_row, 'incrementalRevenue', 'estimate', 'Nullable(Float64)') AS incremental_revenue,
  JSONExtract(measure_row, 'incrementalRevenue', 'low', 'Nullable(Float64)') AS incremental_revenue_low,
  JSONExtract(measure_row, 'incrementalRevenue', 'high', 'Nullable(Float64)') AS incremental_revenue_high,
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
ORDER BY trigger_id
