-- What happened to a firing on its surface (delivered, rendered, opened, ...).
-- event_id is optional in the input; when absent the service derives it from
-- (firing_id, type, occurred_at), so an exact re-delivery still collapses.
-- ReplacingMergeTree(received_at) keyed by (tenant_id, event_id); see 0002.
-- cluster: shard by cityHash64(firing_id)
CREATE TABLE IF NOT EXISTS exposures
(
    tenant_id LowCardinality(String),
    event_id String,
    firing_id String,
    type LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    rendered_variant LowCardinality(String),
    machine Bool,
    received_at DateTime64(3, 'UTC'),
    future_clamped Bool,
    content_hash UInt64
)
ENGINE = ReplacingMergeTree(received_at)
ORDER BY (tenant_id, event_id)
