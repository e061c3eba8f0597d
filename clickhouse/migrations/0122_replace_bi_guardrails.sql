-- BI view bi_guardrails, replaced so that trigger_name is the trigger's id when the snapshot holds
-- no definition of it (it was empty, a blank row label), as the report names such a trigger and as
-- bi_lift does (0121).
-- Otherwise as 0013_create_bi_guardrails.sql: the harm side per tenant, trigger, outcome class
-- and period, from the newest snapshot of each tenant and period. Columns are documented in
-- clickhouse/bi/README.md.
-- cluster: replicated, not distributed (a view; created on every node)
CREATE OR REPLACE VIEW bi_guardrails AS
WITH
  latest AS (
    -- the newest snapshot of each tenant and period
    SELECT tenant_id, snapshot_id, period_from, period_to, created_at, measures
    FROM report_snapshots
    ORDER BY tenant_id, period_from, period_to, created_at DESC, snapshot_id
    LIMIT 1 BY tenant_id, period_from, period_to
  ),
  rows AS (
    -- one row per guardrail row of the snapshot, with the trigger's name from the same snapshot
    SELECT tenant_id, snapshot_id, period_from, period_to, created_at, guardrail_row,
           JSONExtractString(guardrail_row, 'triggerId') AS trigger_id,
           JSONExtractString(
             arrayFirst(t -> JSONExtractString(t, 'triggerId') = trigger_id,
                        JSONExtractArrayRaw(measures, 'triggers')),
             'name') AS defined_name,
           -- a trigger without a definition (or a name) is named by its id, as the report does
           if(defined_name = '', trigger_id, defined_name) AS trigger_name
    FROM latest
    ARRAY JOIN JSONExtractArrayRaw(measures, 'guardrails') AS guardrail_row
  )
SELECT
  tenant_id,
  period_from,
  period_to,
  snapshot_id,
  created_at AS snapshot_created_at,
  trigger_id,
  trigger_name,
  JSONExtractString(guardrail_row, 'outcomeClass') AS outcome_class,
  JSONExtract(guardrail_row, 'treatment', 'persons', 'UInt64') AS treatment_units,
  JSONExtract(guardrail_row, 'treatment', 'conversions', 'UInt64') AS treatment_events,
  JSONExtract(guardrail_row, 'treatment', 'rate', 'Float64') AS treatment_rate,
  JSONExtract(guardrail_row, 'holdout', 'persons', 'UInt64') AS holdout_units,
  JSONExtract(guardrail_row, 'holdout', 'conversions', 'UInt64') AS holdout_events,
  JSONExtract(guardrail_row, 'holdout', 'rate', 'Float64') AS holdout_rate,
  JSONExtract(guardrail_row, 'absoluteLift', 'estimate', 'Nullable(Float64)') AS absolute_lift,
  JSONExtract(guardrail_row, 'absoluteLift', 'low', 'Nullable(Float64)') AS absolute_lift_low,
  JSONExtract(guardrail_row, 'absoluteLift', 'high', 'Nullable(Float64)') AS absolute_lift_high,
  JSONExtract(guardrail_row, 'relativeLift', 'estimate', 'Nullable(Float64)') AS relative_lift,
  JSONExtract(guardrail_row, 'relativeLift', 'low', 'Nullable(Float64)') AS relative_lift_low,
  JSONExtract(guardrail_row, 'relativeLift', 'high', 'Nullable(Float64)') AS relative_lift_high,
  JSONExtract(guardrail_row, 'pValue', 'Nullable(Float64)') AS p_value,
  JSONExtractString(guardrail_row, 'verdict') AS verdict
FROM rows
