-- lift.property_keys: generated from libs/measurement/lift/segments.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String), limit UInt32
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- every property name of every firing of the triggers decided in [from, to), counted once per firing
SELECT property, count() AS firings
FROM firings FINAL
ARRAY JOIN JSONExtractKeys(properties) AS property
WHERE tenant_id = {tenantId:String}
  AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
GROUP BY property
ORDER BY firings DESC, property
LIMIT {limit:UInt32}
