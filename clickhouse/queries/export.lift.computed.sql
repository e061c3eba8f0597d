-- export.lift.computed: generated from libs/bi/computed-datasets.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: measures String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), computedAt DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1, format_csv_null_representation = , date_time_output_format = iso

-- export lift, computed: the rows the API computed for [from, to), passed as the same JSON a
-- report snapshot stores, read with the columns of bi_lift (computed-datasets.spec.ts compares them)
WITH rows AS (
  -- one row per lift row, with the trigger's name from the same JSON
  SELECT lift_row,
         JSONExtractString(lift_row, 'triggerId') AS trigger_id,
         JSONExtractString(
           arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                      JSONExtractArrayRaw({measures:String}, 'triggers')),
           'name') AS trigger_name
  FROM (SELECT arrayJoin(JSONExtractArrayRaw({measures:String}, 'lift')) AS lift_row)
)
SELECT
  {from:DateTime64(3, 'UTC')} AS period_from,
  {to:DateTime64(3, 'UTC')} AS period_to,
  '' AS snapshot_id,
  {computedAt:DateTime64(3, 'UTC')} AS snapshot_created_at,
  trigger_id,
  trigger_name,
  JSONExtractString(lift_row, 'channel') AS channel,
  JSONExtract(lift_row, 'treatment', 'persons', 'UInt64') AS treatment_persons,
  JSONExtract(lift_row, 'treatment', 'conversions', 'UInt64') AS treatment_conversions,
  JSONExtract(lift_row, 'treatment', 'rate', 'Float64') AS treatment_rate,
  JSONExtract(lift_row, 'treatment', 'revenue', 'Float64') AS treatment_revenue,
  JSONExtract(lift_row, 'holdout', 'persons', 'UInt64') AS holdout_persons,
  JSONExtract(lift_row, 'holdout', 'conversions', 'UInt64') AS holdout_conversions,
  JSONExtract(lift_row, 'holdout', 'rate', 'Float64') AS holdout_rate,
  JSONExtract(lift_row, 'holdout', 'revenue', 'Float64') AS holdout_revenue,
  JSONExtract(lift_row, 'absoluteLift', 'estimate', 'Nullable(Float64)') AS absolute_lift,
  JSONExtract(lift_row, 'absoluteLift', 'low', 'Nullable(Float64)') AS absolute_lift_low,
  JSONExtract(lift_row, 'absoluteLift', 'high', 'Nullable(Float64)') AS absolute_lift_high,
  JSONExtract(lift_row, 'relativeLift', 'estimate', 'Nullable(Float64)') AS relative_lift,
  JSONExtract(lift_row, 'relativeLift', 'low', 'Nullable(Float64)') AS relative_lift_low,
  JSONExtract(lift_row, 'relativeLift', 'high', 'Nullable(Float64)') AS relative_lift_high,
  JSONExtract(lift_row, 'pValue', 'Nullable(Float64)') AS p_value,
  JSONExtract(lift_row, 'qValue', 'Nullable(Float64)') AS q_value,
  JSONExtract(lift_row, 'incrementalConversions', 'estimate', 'Nullable(Float64)') AS incremental_conversions,
  JSONExtract(lift_row, 'incrementalConversions', 'low', 'Nullable(Float64)') AS incremental_conversions_low,
  JSONExtract(lift_row, 'incrementalConversions', 'high', 'Nullable(Float64)') AS incremental_conversions_high,
  JSONExtract(lift_row, 'incrementalRevenue', 'estimate', 'Nullable(Float64)') AS incremental_revenue,
  JSONExtract(lift_row, 'incrementalRevenue', 'low', 'Nullable(Float64)') AS incremental_revenue_low,
  JSONExtract(lift_row, 'incrementalRevenue', 'high', 'Nullable(Float64)') AS incremental_revenue_high,
  JSONExtract(lift_row, 'srm', 'expectedHoldoutShare', 'Nullable(Float64)') AS srm_expected_holdout_share,
  JSONExtract(lift_row, 'srm', 'observedHoldoutShare', 'Nullable(Float64)') AS srm_observed_holdout_share,
  JSONExtract(lift_row, 'srm', 'pValue', 'Nullable(Float64)') AS srm_p_value,
  JSONExtract(lift_row, 'srm', 'flagged', 'Bool') AS srm_flagged,
  startsWith(JSONExtractString(lift_row, 'verdict'), 'too little data') AS too_little_data,
  JSONExtract(lift_row, 'contaminatedPersons', 'UInt64') AS contaminated_persons,
  JSONExtract(lift_row, 'confidence', 'Float64') AS confidence,
  JSONExtractString(lift_row, 'method') AS method,
  JSONExtractString(lift_row, 'verdict') AS verdict,
  'computed' AS source
FROM rows
ORDER BY trigger_id
