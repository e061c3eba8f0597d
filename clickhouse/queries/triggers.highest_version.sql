-- triggers.highest_version: generated from libs/triggers/triggers.repository.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, triggerId String
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- the highest stored version of one trigger (re-sent copies included), 0 when none
SELECT toUInt32(ifNull(max(version), 0)) AS version
FROM triggers
WHERE tenant_id = {tenantId:String} AND trigger_id = {triggerId:String}
