-- Part of the assignment rollup (see 0017).
-- Per (tenant, person, trigger): the FIRST_FIRING_KEY of each firing (time, id, arm; see
-- libs/measurement/common/sql.ts) in ascending order, with each firing's variant and the 64-bit
-- hash of its id at the same positions.
-- cluster: shard by person_key
CREATE TABLE IF NOT EXISTS assignment_sequences
(
    build_id UInt64,
    tenant_id LowCardinality(String),
    person_key UInt64,
    trigger_id LowCardinality(String),
    keys Array(UInt256),
    variants Array(LowCardinality(String)),
    firing_keys Array(UInt64)
)
ENGINE = MergeTree
PARTITION BY build_id
ORDER BY (tenant_id, person_key, trigger_id);
