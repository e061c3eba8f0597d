-- BI view bi_triggers: one row per tenant and trigger that has a definition or a stored firing:
-- its newest definition's name, channel and status (the id for the name, "" for the rest, when it
-- has none), whether it is defined, and how many firings it has with the first and last decision.
-- Columns are documented in clickhouse/bi/README.md.
-- A dashboard's list of tenants and triggers reads this view, not bi_trigger_daily: listing the
-- distinct triggers of bi_trigger_daily computes every day's lift and latency of the tenant's
-- whole history (31 s for 10M firings of one month), while this view reads the definitions and
-- three columns of the firings.
-- UNION ALL and GROUP BY rather than a FULL JOIN, so that a query's tenant_id filter reaches both
-- tables; FINAL keeps one row per definition version and per firing_id. The definitions' NULL
-- decision time and the firings' decided_at make the column Nullable(DateTime64(3, 'UTC')).
-- cluster: replicated, not distributed (a view; created on every node, reading the distributed tables)
CREATE VIEW IF NOT EXISTS bi_triggers AS
WITH
  trigger_rows AS (
    -- each definition version, and each firing with its decision time
    SELECT tenant_id, trigger_id, true AS is_definition, version, name,
           toString(channel) AS channel, toString(status) AS status,
           NULL AS decided_at
    FROM triggers FINAL
    UNION ALL
    SELECT tenant_id, toString(trigger_id) AS trigger_id, false AS is_definition,
           toUInt32(0) AS version, '' AS name, '' AS channel, '' AS status,
           decided_at
    FROM firings FINAL
  )
SELECT tenant_id,
       trigger_id,
       if(argMaxIf(name, version, is_definition) = '', trigger_id,
          argMaxIf(name, version, is_definition)) AS trigger_name,
       argMaxIf(channel, version, is_definition) AS channel,
       argMaxIf(status, version, is_definition) AS status,
       max(is_definition) AS defined,
       maxIf(version, is_definition) AS newest_version,
       countIf(NOT is_definition) AS firings,
       min(decided_at) AS first_decided_at,
       max(decided_at) AS last_decided_at
FROM trigger_rows
GROUP BY tenant_id, trigger_id
