-- BI view bi_lift, replaced so that two columns read as a BI tool expects: too_little_data is a
-- Bool, like srm_flagged and in_report_totals (it was a UInt8 0/1, which a BI tool offers to sum
-- and a Parquet or NDJSON export wrote as a number), and trigger_name is the trigger's id when the snapshot holds no definition of it (it was empty,
-- a blank row label), as the report names such a trigger.
-- Otherwise as 0106_replace_bi_lift.sql: one row per trigger of the newest snapshot of each
-- (tenant, period), read from report_snapshots.measures. Columns are documented in
-- clickhouse/bi/README.md.
-- cluster: replicated, not distributed (a view; created on every node)
CREATE OR REPLACE VIEW bi_lift AS
WITH
  latest AS (
    -- the newest snapshot of each tenant and period
    SELECT tenant_id, snapshot_id, period_from, period_to, created_at, measures
    FROM report_snapshots
    ORDER BY tenant_id, period_from, period_to, created_at DESC, snapshot_id
    LIMIT 1 BY tenant_id, period_from, period_to
  ),
  rows AS (
    -- one row per lift row of the snapshot, with the trigger's name and status from the same
    -- snapshot
    SELECT tenant_id, snapshot_id, period_from, period_to, created_at, lift_row,
           JSONExtractString(lift_row, 'triggerId') AS trigger_id,
           JSONExtractString(
             arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                        JSONExtractArrayRaw(measures, 'triggers')),
             'name') AS defined_name,
           -- a trigger without a definition (or a name) is named by its id, as the report does
           if(defined_name = '', trigger_id, defined_name) AS trigger_name,
           JSONExtractString(
             arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                        JSONExtractArrayRaw(measures, 'triggers')),
             'status') AS trigger_status
    FROM latest
    ARRAY JOIN JSONExtractArrayRaw(measures, 'lift') AS lift_row
  )
SELECT
  tenant_id,
  period_from,
  period_to,
  snapshot_id,
  created_at AS snapshot_created_at,
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
  toBool(startsWith(JSONExtractString(lift_row, 'verdict'), 'too little data')) AS too_little_data,
  JSONExtract(lift_row, 'contaminatedPersons', 'UInt64') AS contaminated_persons,
  JSONExtract(lift_row, 'confidence', 'Float64') AS confidence,
  JSONExtractString(lift_row, 'method') AS method,
  JSONExtractString(lift_row, 'verdict') AS verdict,
  trigger_status,
  -- the report's headline adds up the live triggers whose holdout can be read: a sound split
  -- whose declared share held over the period, enough data, an estimate
  trigger_status = 'live' AND NOT srm_flagged
    AND JSONLength(lift_row, 'srm', 'sharesInPeriod') = 0
    AND NOT too_little_data AND absolute_lift IS NOT NULL AS in_report_totals,
  -- the cap on each person's revenue the revenue figures were computed with; NULL uncapped
  JSONExtract(lift_row, 'revenueCapValue', 'Nullable(Float64)') AS revenue_cap_value
FROM rows
