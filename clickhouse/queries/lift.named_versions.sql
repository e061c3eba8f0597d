-- lift.named_versions: generated from libs/measurement/lift/holdout-shares.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, triggerIds Array(String), from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- the versions the period's firings of the given triggers name (0: none named), and when first;
-- FINAL: a firing re-delivered naming another version names only its latest one before merges
SELECT trigger_id, trigger_version, toUnixTimestamp64Milli(min(decided_at)) AS first_at
FROM firings FINAL
WHERE tenant_id = {tenantId:String} AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id)) AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
GROUP BY trigger_id, trigger_version
ORDER BY trigger_id, trigger_version
