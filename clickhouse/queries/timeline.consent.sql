-- timeline.consent: generated from libs/measurement/timeline/timeline.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, personId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- this person: consent changes in the period (FINAL: one row per event_id)
SELECT event_id, purpose, granted, source, toString(occurred_at) AS occurred_text,
       toString(recorded_at) AS recorded_text
FROM consent FINAL
WHERE tenant_id = {tenantId:String} AND person_key = cityHash64({personId:String}) AND person_id = {personId:String}
  AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
