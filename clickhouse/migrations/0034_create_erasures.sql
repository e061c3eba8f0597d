-- The record of each erasure: when it was asked for and finished, and how many rows each table
-- lost, as JSON. The person is named only by the keyed hash of erased_persons (0033), never by
-- id. Plain MergeTree, written once when the erasure completes and never changed. ORDER BY
-- (tenant_id, requested_at, erasure_id): read per tenant over a period. No TTL: records.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS erasures
(
    tenant_id LowCardinality(String),
    erasure_id String,
    person_id_hash String,
    requested_at DateTime64(3, 'UTC'),
    completed_at DateTime64(3, 'UTC'),
    block_reingest Bool,
    rows_deleted String
)
ENGINE = MergeTree
ORDER BY (tenant_id, requested_at, erasure_id)
