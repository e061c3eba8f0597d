-- Behavioral, identity and predictive signals.
-- Engine: ReplacingMergeTree(received_at) so a re-delivered event_id collapses to one row (the
-- latest delivery wins when contents differ); every query reads it with FINAL, so counts are right
-- before merges run. ORDER BY (tenant_id, event_id): the deduplication key must be the id alone,
-- or a copy whose other fields differ would survive as a second row; the tenant prefix keeps every
-- scan inside one tenant's range. No time partitioning: a copy that arrives a month later must land
-- in the same partition to be collapsed. person_key (cityHash64 of person_id) is the join key the
-- measures use: 8 bytes instead of a string per row.
-- cluster: shard by cityHash64(person_id)
CREATE TABLE IF NOT EXISTS signals
(
    tenant_id LowCardinality(String),
    event_id String,
    person_id String,
    person_key UInt64 MATERIALIZED cityHash64(person_id),
    type LowCardinality(String),
    kind LowCardinality(String),
    source LowCardinality(String),
    session_id String,
    occurred_at DateTime64(3, 'UTC'),
    sent_at Nullable(DateTime64(3, 'UTC')),
    computed_at Nullable(DateTime64(3, 'UTC')),
    received_at DateTime64(3, 'UTC'),
    properties String,
    skew_corrected Bool,
    future_clamped Bool,
    content_hash UInt64
)
ENGINE = ReplacingMergeTree(received_at)
ORDER BY (tenant_id, event_id)
