-- export.consent_incidents: generated from libs/bi/datasets.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1, format_csv_null_representation = , date_time_output_format = iso, max_bytes_before_external_group_by = 2000000000, max_bytes_before_external_sort = 2000000000

-- export consent_incidents: one tenant's rows of bi_consent_incidents in the period
SELECT * EXCEPT (tenant_id)
FROM bi_consent_incidents
WHERE tenant_id = {tenantId:String} AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
ORDER BY decided_at, firing_id
