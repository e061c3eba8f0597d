-- The outcome types a tenant adds to the harm classes (docs/design.md §2): `class` is 'overwhelm'
-- or 'regret'. The built-in types (conversion, purchase, signup; return, refund, chargeback;
-- unsubscribe, complaint, opt_out, uninstall, dismiss) are not stored here and cannot be moved.
-- ReplacingMergeTree(version) keyed by (tenant_id, type): defining a type again replaces its class,
-- removing it is a newer row with deleted = 1. A tenant has a handful; read whole with FINAL.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS outcome_types
(
    tenant_id LowCardinality(String),
    type String,
    class LowCardinality(String),
    defined_at DateTime64(3, 'UTC'),
    deleted UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, type)
