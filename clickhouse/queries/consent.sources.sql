-- consent.sources: generated from libs/measurement/consent/consent-audit.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- consent events recorded in the period: how long after the fact each source recorded them
SELECT source, count() AS events,
       quantilesExactInclusive(0.5, 0.9)(
         toUnixTimestamp64Milli(assumeNotNull(recorded_at)) - toUnixTimestamp64Milli(occurred_at)
       ) AS recorded_lag_quantiles
FROM consent FINAL
WHERE tenant_id = {tenantId:String}
  AND recorded_at IS NOT NULL
  AND recorded_at >= {from:DateTime64(3, 'UTC')} AND recorded_at < {to:DateTime64(3, 'UTC')}
GROUP BY source
ORDER BY source
