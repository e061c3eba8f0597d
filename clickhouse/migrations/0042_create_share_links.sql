-- Share links: a key-less URL to one resource (a lift report period or a snapshot). Only the
-- SHA-256 of the 256-bit token is stored. ReplacingMergeTree(version) keyed by
-- (tenant_id, link_id): a revocation is a newer row with revoked_at set. Tiny; read with FINAL
-- (the public route looks a link up by token_hash across tenants).
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS share_links
(
    tenant_id LowCardinality(String),
    link_id String,
    token_hash String,
    resource LowCardinality(String),
    period_from Nullable(DateTime64(3, 'UTC')),
    period_to Nullable(DateTime64(3, 'UTC')),
    snapshot_id Nullable(String),
    created_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, link_id)
