-- Outcomes: success (purchases, sign-ups), regret (returns, refunds) and overwhelm (unsubscribes,
-- complaints). value is Decimal(18, 4): money is summed exactly. ReplacingMergeTree(received_at)
-- keyed by (tenant_id, outcome_id); see 0002.
-- cluster: shard by cityHash64(person_id)
CREATE TABLE IF NOT EXISTS outcomes
(
    tenant_id LowCardinality(String),
    outcome_id String,
    person_id String,
    person_key UInt64 MATERIALIZED cityHash64(person_id),
    type LowCardinality(String),
    occurred_at DateTime64(3, 'UTC'),
    value Nullable(Decimal(18, 4)),
    currency LowCardinality(String),
    order_id String,
    refund_of_order_id String,
    channel LowCardinality(String),
    firing_id String,
    received_at DateTime64(3, 'UTC'),
    future_clamped Bool,
    content_hash UInt64
)
ENGINE = ReplacingMergeTree(received_at)
ORDER BY (tenant_id, outcome_id)
