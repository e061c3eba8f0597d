-- timeline.signals: generated from libs/measurement/timeline/timeline.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, personId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- this person: signals in the period (FINAL: one row per event_id)
SELECT event_id, type, kind, source, session_id, toString(occurred_at) AS occurred_text,
       toString(computed_at) AS computed_text, toString(collected_at) AS collected_text,
       toString(received_at) AS received_text, properties
FROM signals FINAL
WHERE tenant_id = {tenantId:String} AND person_key = cityHash64({personId:String}) AND person_id = {personId:String}
  AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
