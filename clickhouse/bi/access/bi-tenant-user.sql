-- Read-only BI access for one tenant, on a ClickHouse server (CLICKHOUSE_URL mode). Run as an
-- administrator (a user with access_management = 1) after `causeway migrate`, in the database
-- Causeway uses (CLICKHOUSE_DATABASE, `default` here). Replace the tenant id `acme`, the user
-- `bi_acme`, its password, and `causeway` (the application's CLICKHOUSE_USER). Steps and the
-- reasons are in clickhouse/bi/README.md, "BI users and row policies". With a cluster, add
-- ON CLUSTER '<name>' after each name. The embedded engine (chDB) has no users: this is for servers.

-- 1. One role for every BI reader: SELECT on the curated views, and on the tables they read
-- (the views run with the reader's own rights, SQL SECURITY INVOKER, the default), nothing else:
-- never api_keys, rejected_events or schema_migrations.
CREATE ROLE IF NOT EXISTS causeway_bi_reader;
GRANT SELECT ON default.bi_trigger_daily TO causeway_bi_reader;
GRANT SELECT ON default.bi_lift TO causeway_bi_reader;
GRANT SELECT ON default.bi_guardrails TO causeway_bi_reader;
GRANT SELECT ON default.bi_consent_incidents TO causeway_bi_reader;
GRANT SELECT ON default.bi_suppression_incidents TO causeway_bi_reader;
GRANT SELECT ON default.bi_trigger_trend TO causeway_bi_reader;
GRANT SELECT ON default.bi_triggers TO causeway_bi_reader;
GRANT SELECT ON default.triggers TO causeway_bi_reader;
GRANT SELECT ON default.signals TO causeway_bi_reader;
GRANT SELECT ON default.firings TO causeway_bi_reader;
GRANT SELECT ON default.exposures TO causeway_bi_reader;
GRANT SELECT ON default.outcomes TO causeway_bi_reader;
GRANT SELECT ON default.consent TO causeway_bi_reader;
GRANT SELECT ON default.outcome_types TO causeway_bi_reader;
GRANT SELECT ON default.report_snapshots TO causeway_bi_reader;

-- 2. Reads only (readonly = 2 still lets Grafana, Metabase and Superset set their per-query
-- settings), bounded in time and memory so a dashboard cannot starve the ingest; grouping and
-- sorting spill to disk past 2 GB each, so that a long range is read slower rather than refused.
CREATE SETTINGS PROFILE IF NOT EXISTS causeway_bi_profile SETTINGS readonly = 2, max_execution_time = 120, max_memory_usage = 4000000000, max_result_rows = 5000000, max_bytes_before_external_group_by = 2000000000, max_bytes_before_external_sort = 2000000000;

-- 3. The tenant's user, with the role as its default.
CREATE USER IF NOT EXISTS bi_acme IDENTIFIED WITH sha256_password BY 'change-me' SETTINGS PROFILE 'causeway_bi_profile';
GRANT causeway_bi_reader TO bi_acme;
SET DEFAULT ROLE causeway_bi_reader TO bi_acme;

-- 4. The tenant's rows only, in every view and table the role reads: the policy on the tables
-- is what cuts the views' joins; the one on the views says the same thing where they are read.
CREATE ROW POLICY IF NOT EXISTS causeway_tenant_acme ON default.bi_trigger_daily, default.bi_lift, default.bi_guardrails, default.bi_consent_incidents, default.bi_suppression_incidents, default.bi_trigger_trend, default.bi_triggers, default.triggers, default.signals, default.firings, default.exposures, default.outcomes, default.consent, default.outcome_types, default.report_snapshots FOR SELECT USING tenant_id = 'acme' AS PERMISSIVE TO bi_acme;

-- 5. Once a table has a row policy, a user that none names may see none of its rows (servers
-- with users_without_row_policies_can_read_rows = false). The application reads every tenant:
-- give its user all rows. Run once, not per tenant.
CREATE ROW POLICY IF NOT EXISTS causeway_application ON default.bi_trigger_daily, default.bi_lift, default.bi_guardrails, default.bi_consent_incidents, default.bi_suppression_incidents, default.bi_trigger_trend, default.bi_triggers, default.triggers, default.signals, default.firings, default.exposures, default.outcomes, default.consent, default.outcome_types, default.report_snapshots FOR SELECT USING 1 AS PERMISSIVE TO causeway
