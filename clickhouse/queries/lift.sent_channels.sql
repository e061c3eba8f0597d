-- lift.sent_channels: generated from libs/measurement/lift/lift.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), triggerIds Array(String)
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- per trigger asked: the channel its sent firings in the period share ('' when several)
SELECT trigger_id, if(min(channel) = max(channel), min(channel), '') AS channel
FROM firings FINAL
WHERE tenant_id = {tenantId:String}
  AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  AND has({triggerIds:Array(String)}, trigger_id)
  AND arm = 'treatment' AND skip_reason = ''
GROUP BY trigger_id
