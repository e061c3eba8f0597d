-- Alerts: one row per alert and state. An alert opens OPEN and is resolved by a newer row of the
-- same alert_id (state RESOLVED, resolved_at set): ReplacingMergeTree(version) keyed by
-- (tenant_id, alert_id). Read with FINAL; a tenant has a handful open at a time.
-- trigger_id is '' for a tenant-wide alert (stale signals, rejected rows).
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS alerts
(
    tenant_id LowCardinality(String),
    alert_id String,
    kind LowCardinality(String),
    trigger_id String,
    subject String,
    state LowCardinality(String),
    opened_at DateTime64(3, 'UTC'),
    resolved_at Nullable(DateTime64(3, 'UTC')),
    summary String,
    evidence String,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, alert_id)
