-- The person an erasure under way deletes. The engine keeps the text of every ALTER ... DELETE,
-- its parameters substituted (system.mutations, the last 100 per table, for as long as the
-- table lives): an erasure's deletes therefore name only its erasure_id and read the id (and the
-- pattern of rejected lines naming it) from here by subquery, so the kept statements never hold
-- the person. One row per erasure, deleted before the erasure answers; the TTL removes a row an
-- erasure left when its process was killed. MergeTree keyed by (tenant_id, erasure_id): a
-- handful of rows, each read by its erasure alone.
-- cluster: shard by cityHash64(erasure_id)
CREATE TABLE IF NOT EXISTS erasure_targets
(
    tenant_id LowCardinality(String),
    erasure_id String,
    person_id String,
    pattern String,
    started_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (tenant_id, erasure_id)
TTL toDateTime(started_at) + INTERVAL 1 DAY
