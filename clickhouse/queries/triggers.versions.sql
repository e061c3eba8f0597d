-- triggers.versions: generated from libs/triggers/triggers.repository.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, triggerId String
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- every version of one trigger; FINAL collapses re-sent definitions
SELECT trigger_id, version, name, channel, surface, audience, signal_types, window_ms, success_types, conversion_window_ms, guardrail_types, holdout_pct, planned_persons, frequency_cap_max, frequency_cap_per_ms, suppression_converted_lookback_ms, consent_purpose, status
FROM triggers FINAL
WHERE tenant_id = {tenantId:String} AND trigger_id = {triggerId:String}
ORDER BY version DESC
