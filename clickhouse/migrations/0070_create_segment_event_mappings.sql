-- A tenant's rules that turn a Segment `track` event (by its name) into a row of a stream
-- (docs/design.md §11). `rule` is the rule's JSON text (type, value/order id/currency properties,
-- field properties, fixed fields): one column, so a rule can gain options without a migration.
-- ReplacingMergeTree(version) keyed by (tenant_id, event): defining an event again replaces its
-- rule, removing it is a newer row with deleted = 1. A tenant has tens of rules; read whole with
-- FINAL and cached for a few seconds.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS segment_event_mappings
(
    tenant_id LowCardinality(String),
    event String,
    stream LowCardinality(String),
    rule String,
    defined_at DateTime64(3, 'UTC'),
    deleted UInt8,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (tenant_id, event)
