-- triggers.fired_ids: generated from libs/triggers/trigger-ids.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, triggerIds Array(String)
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- which of the given trigger ids any firing of the tenant carries (its latest delivery, FINAL:
-- a firing re-delivered under another trigger id no longer carries the first before merges)
SELECT DISTINCT trigger_id
FROM firings FINAL
WHERE tenant_id = {tenantId:String} AND has({triggerIds:Array(String)}, trigger_id)
