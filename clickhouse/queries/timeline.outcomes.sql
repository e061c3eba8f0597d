-- timeline.outcomes: generated from libs/measurement/timeline/timeline.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, personId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC'), regretTypes Array(String), overwhelmTypes Array(String), successTypes Array(String)
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

WITH
  named_success AS (
    -- every type a trigger definition of the tenant counts as success
    SELECT DISTINCT arrayJoin(success_types) AS type
    FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
  ),
  person_outcomes AS (
    -- this person: outcomes in the period (FINAL: one row per outcome_id)
    SELECT outcome_id, type, toString(occurred_at) AS occurred_text,
           toNullable(toFloat64(value)) AS amount, currency, order_id, refund_of_order_id,
           channel, firing_id
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String} AND person_key = cityHash64({personId:String}) AND person_id = {personId:String}
      AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
  ),
  named_firings AS (
    -- the trigger of each firing an outcome names
    SELECT firing_id, trigger_id
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND firing_id IN (SELECT firing_id FROM person_outcomes WHERE firing_id != '')
  )
SELECT o.outcome_id AS outcome_id, o.type AS type, o.occurred_text AS occurred_text,
       o.amount AS amount, o.currency AS currency, o.order_id AS order_id,
       o.refund_of_order_id AS refund_of_order_id, o.channel AS channel, o.firing_id AS firing_id,
       f.trigger_id AS trigger_id,
       multiIf(has({regretTypes:Array(String)}, o.type), 'regret',
               has({overwhelmTypes:Array(String)}, o.type), 'overwhelm',
               has({successTypes:Array(String)}, o.type)
                 OR o.type IN (SELECT type FROM named_success), 'success',
               'other') AS outcome_class
FROM person_outcomes AS o
LEFT JOIN named_firings AS f ON f.firing_id = o.firing_id
