-- Trigger definitions, one row per (trigger_id, version). ReplacingMergeTree(received_at): a
-- definition re-sent for the same version replaces the earlier one; a new version is a new row, so
-- a firing can be measured against the version it names. Small table, read with FINAL.
-- cluster: replicated, not distributed (definitions are small and every shard joins them locally)
CREATE TABLE IF NOT EXISTS triggers
(
    tenant_id LowCardinality(String),
    trigger_id String,
    version UInt32,
    name String,
    channel LowCardinality(String),
    surface String,
    audience String,
    signal_types Array(String),
    window_ms Nullable(UInt64),
    success_types Array(String),
    conversion_window_ms UInt64,
    guardrail_types Array(String),
    holdout_pct Nullable(Float64),
    frequency_cap_max Nullable(UInt32),
    frequency_cap_per_ms Nullable(UInt64),
    suppression_converted_lookback_ms Nullable(UInt64),
    consent_purpose String,
    status LowCardinality(String),
    received_at DateTime64(3, 'UTC'),
    content_hash UInt64
)
ENGINE = ReplacingMergeTree(received_at)
ORDER BY (tenant_id, trigger_id, version)
