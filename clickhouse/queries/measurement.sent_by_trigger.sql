-- measurement.sent_by_trigger: generated from libs/measurement/common/trigger-parts.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String)
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- the sent treatment firings of the period per trigger: how the statements over the streams split
SELECT trigger_id, count() AS firings
FROM firings FINAL
WHERE tenant_id = {tenantId:String}
  AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  AND arm = 'treatment' AND skip_reason = ''
  AND (empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))
GROUP BY trigger_id
ORDER BY firings DESC, trigger_id
