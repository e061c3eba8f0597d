-- timeline.exposures: generated from libs/measurement/timeline/timeline.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, personId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

WITH
  person_firings AS (
    -- every firing of the person, with its trigger
    SELECT firing_id, trigger_id
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String} AND person_key = cityHash64({personId:String}) AND person_id = {personId:String}
  )
-- their exposures in the period (FINAL: one row per event_id)
SELECT e.event_id AS event_id, e.firing_id AS firing_id, f.trigger_id AS trigger_id,
       e.type AS type, toString(e.occurred_at) AS occurred_text,
       e.rendered_variant AS rendered_variant, e.machine AS machine
FROM (
  SELECT event_id, firing_id, type, occurred_at, rendered_variant, machine
  FROM exposures FINAL
  WHERE tenant_id = {tenantId:String}
    AND firing_id IN (SELECT firing_id FROM person_firings)
    AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
) AS e
INNER JOIN person_firings AS f ON f.firing_id = e.firing_id
