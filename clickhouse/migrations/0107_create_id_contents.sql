-- Every content each id of a stream was stored with, kept by the engine as rows are inserted
-- (materialized views 0108 to 0112, from every write path alike), so that an id sent again with
-- other content is reported however far apart its copies came (docs/design.md §5); the stream
-- tables themselves keep only the latest delivery.
-- One row per (tenant, stream, id, content hash) rather than one per id with the smallest and
-- largest hash: the number of distinct contents is exact; each content keeps its own person, so
-- an erasure removes the erased person's contents and not another person's sent under the same
-- id; and each content leaves under its stream's retention by its own event time. A retried copy
-- adds no row once merged. AggregatingMergeTree: copies add up, the first and last arrivals and
-- the event time the retention counts from (`retained_from`: the column RETENTION names for the
-- stream) take their min and max; read with GROUP BY, the counts are right before merges.
-- person_id is the row's person (empty for exposures, which name none); firing_id the firing
-- an exposure names (a firing's own id for a firing; empty otherwise), by which an erasure finds
-- the exposures of an erased person's firings. No TTL here: applyRetention sets one rule per
-- stream.
-- cluster: shard by cityHash64(id)
CREATE TABLE IF NOT EXISTS id_contents
(
    tenant_id LowCardinality(String),
    stream LowCardinality(String),
    id String,
    content_hash UInt64,
    person_id SimpleAggregateFunction(any, String),
    firing_id SimpleAggregateFunction(any, String),
    copies SimpleAggregateFunction(sum, UInt64),
    first_received_at SimpleAggregateFunction(min, DateTime64(3, 'UTC')),
    last_received_at SimpleAggregateFunction(max, DateTime64(3, 'UTC')),
    retained_from SimpleAggregateFunction(max, DateTime64(3, 'UTC'))
)
ENGINE = AggregatingMergeTree
ORDER BY (tenant_id, stream, id, content_hash)
