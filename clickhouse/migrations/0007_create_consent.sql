-- Consent grants and revocations per (person, purpose). event_id is optional in the input; when
-- absent it is derived from (person_id, purpose, granted, occurred_at, source). The consent state
-- at a time is an ASOF lookup over (person_key, purpose, occurred_at).
-- ReplacingMergeTree(received_at) keyed by (tenant_id, event_id); see 0002.
-- cluster: shard by cityHash64(person_id)
CREATE TABLE IF NOT EXISTS consent
(
    tenant_id LowCardinality(String),
    event_id String,
    person_id String,
    person_key UInt64 MATERIALIZED cityHash64(person_id),
    purpose LowCardinality(String),
    granted Bool,
    occurred_at DateTime64(3, 'UTC'),
    source LowCardinality(String),
    recorded_at Nullable(DateTime64(3, 'UTC')),
    received_at DateTime64(3, 'UTC'),
    future_clamped Bool,
    content_hash UInt64
)
ENGINE = ReplacingMergeTree(received_at)
ORDER BY (tenant_id, event_id)
