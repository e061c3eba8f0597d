-- The weekly digest e-mail of a tenant: its recipients, cron schedule and the last time it was
-- sent. One row per tenant: ReplacingMergeTree(version) keyed by tenant_id; read with FINAL.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS digests
(
    tenant_id LowCardinality(String),
    recipients Array(String),
    schedule String,
    updated_at DateTime64(3, 'UTC'),
    last_sent_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY tenant_id
