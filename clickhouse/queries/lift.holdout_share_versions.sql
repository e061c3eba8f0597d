-- lift.holdout_share_versions: generated from libs/measurement/lift/holdout-shares.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, triggerIds Array(String)
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- every version of the triggers whose versions declare more than one holdout share (none is one)
SELECT trigger_id, version, holdout_pct
FROM triggers FINAL
WHERE tenant_id = {tenantId:String} AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
  AND trigger_id IN (
    SELECT trigger_id FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
    GROUP BY trigger_id
    HAVING uniqExact(ifNull(holdout_pct, -1)) > 1
  )
ORDER BY trigger_id, version
