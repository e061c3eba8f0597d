-- Webhook endpoints of a tenant. The signing secret is kept as given (the service signs with it,
-- so it cannot be hashed); it is shown once at creation and never returned again.
-- ReplacingMergeTree(version) keyed by (tenant_id, webhook_id): a deletion is a newer row with
-- deleted = 1. Tiny; read with FINAL.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS webhooks
(
    tenant_id LowCardinality(String),
    webhook_id String,
    url String,
    events Array(LowCardinality(String)),
    format LowCardinality(String),
    secret String,
    created_at DateTime64(3, 'UTC'),
    deleted UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, webhook_id)
