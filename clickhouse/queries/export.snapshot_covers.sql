-- export.snapshot_covers: generated from libs/bi/datasets.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- stored report snapshots of exactly the period asked
SELECT count() AS snapshots
FROM report_snapshots
WHERE tenant_id = {tenantId:String}
  AND period_from = {from:DateTime64(3, 'UTC')} AND period_to = {to:DateTime64(3, 'UTC')}
