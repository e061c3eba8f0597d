-- BI view bi_lift, replaced to add three columns at its end: trigger_status (the trigger's status
-- when the snapshot was taken), in_report_totals (whether the report's headline adds the row up:
-- a live trigger whose holdout can be read) and revenue_cap_value (the cap its revenue figures
-- were computed with). Without them a BI sum of incremental_conversions also added paused
-- triggers and rows whose holdout share changed, which the report leaves out, and a capped
-- revenue could not be told from an uncapped one.
-- Otherwise as 0012_create_bi_lift.sql: one row per trigger of the newest snapshot of each
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
    -- one row per lift row of the snapshot, with the trigger's name from the same snapshot
    SELECT tenant_id, snapshot_id, period_from, period_to, created_at, lift_row,
           JSONExtractString(lift_row, 'triggerId') AS trigger_id,
           JSONExtractString(
             arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                        JSONExtractArrayRaw(measures, 'triggers')),
             'name') AS trigger_name,
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
  startsWith(JSONExtractString(lift_row, 'verdict'), 'too little data') AS too_little_data,
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
