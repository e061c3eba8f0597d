-- reports.currencies: generated from libs/reports/currencies.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

-- currencies of valued outcomes in [from, to), most used first ('' = sent without a currency)
SELECT currency, count() AS outcomes
FROM outcomes FINAL
WHERE tenant_id = {tenantId:String}
  AND occurred_at >= {from:DateTime64(3, 'UTC')} AND occurred_at < {to:DateTime64(3, 'UTC')}
  AND value IS NOT NULL
GROUP BY currency
ORDER BY outcomes DESC, currency
