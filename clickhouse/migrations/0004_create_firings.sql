-- Trigger firings: the decision to act (sent, or skipped with a reason) and its arm.
-- ReplacingMergeTree(received_at) keyed by (tenant_id, firing_id) alone, so a re-delivered firing
-- counts once whatever else changed (see 0002 for why the id alone is the key and why there is no
-- time partition). Measures scan one tenant's range and join on person_key.
-- cluster: shard by cityHash64(person_id)
CREATE TABLE IF NOT EXISTS firings
(
    tenant_id LowCardinality(String),
    firing_id String,
    trigger_id LowCardinality(String),
    trigger_version UInt32,
    person_id String,
    person_key UInt64 MATERIALIZED cityHash64(person_id),
    decided_at DateTime64(3, 'UTC'),
    arm LowCardinality(String),
    signal_event_id String,
    signal_at Nullable(DateTime64(3, 'UTC')),
    dispatched_at Nullable(DateTime64(3, 'UTC')),
    channel LowCardinality(String),
    surface LowCardinality(String),
    variant LowCardinality(String),
    skip_reason LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    future_clamped Bool,
    content_hash UInt64
)
ENGINE = ReplacingMergeTree(received_at)
ORDER BY (tenant_id, firing_id)
