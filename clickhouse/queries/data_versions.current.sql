-- data_versions.current: generated from libs/storage/data-versions.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- every write recorded for the tenant, in merged rows or not yet merged ones (0 when none)
SELECT sum(writes) AS version
FROM data_versions
WHERE tenant_id = {tenantId:String}
