-- maturity.signal_kinds: generated from libs/measurement/maturity/maturity.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

WITH
  decided AS (
    -- every firing decided in the period (FINAL: one row per firing_id)
    SELECT signal_event_id
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  ),
  kinds AS (
    -- the kind of each signal those firings name
    SELECT event_id, kind
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND event_id IN (SELECT signal_event_id FROM decided WHERE signal_event_id != '')
  )
-- firings by the kind of their signal ('' = none stored)
SELECT count() AS firings,
       countIf(k.kind = 'behavioral') AS behavioral,
       countIf(k.kind = 'predictive') AS predictive,
       countIf(k.kind = 'identity') AS identity
FROM decided AS d
LEFT JOIN kinds AS k ON k.event_id = d.signal_event_id
