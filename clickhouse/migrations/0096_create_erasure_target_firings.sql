-- The ids of the firings of the person an erasure under way deletes, beside that person's row of
-- erasure_targets (0090) and for the same reason: the engine keeps the text of every ALTER ...
-- DELETE, so the deletes read the ids from here by subquery rather than carrying them. Written as
-- the erasure finds the firings, before it deletes them: its later scans still take the exposures
-- of those firings, and the rejected lines naming them, once the firings are gone. Deleted before
-- the erasure answers; the TTL removes rows an erasure left when its process was killed.
-- MergeTree keyed by (tenant_id, erasure_id, firing_id): rows of erasures under way only, each
-- erasure's read by it alone.
-- cluster: shard by cityHash64(erasure_id)
CREATE TABLE IF NOT EXISTS erasure_target_firings
(
    tenant_id LowCardinality(String),
    erasure_id String,
    firing_id String,
    found_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (tenant_id, erasure_id, firing_id)
TTL toDateTime(found_at) + INTERVAL 1 DAY
