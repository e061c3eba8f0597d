-- Part of the assignment rollup (see 0017).
-- Per firing of a build: the person it is filed under there, found by the hash of its id when a
-- later version of the firing arrives (it may name another person).
-- cluster: shard by person_key
CREATE TABLE IF NOT EXISTS assignment_firings
(
    build_id UInt64,
    tenant_id LowCardinality(String),
    firing_key UInt64,
    person_key UInt64
)
ENGINE = MergeTree
PARTITION BY build_id
ORDER BY (tenant_id, firing_key);
