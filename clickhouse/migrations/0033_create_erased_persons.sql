-- Persons erased with blockReingest: later rows naming them are refused with reason `erased`.
-- Only a keyed hash of the id is kept (HMAC-SHA-256 with the server's pepper over tenant and id),
-- never the id. ReplacingMergeTree keyed by (tenant_id, person_hash): erasing a person twice
-- leaves one row. Read whole per tenant by ingest (cached a few seconds); small.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS erased_persons
(
    tenant_id LowCardinality(String),
    person_hash String,
    erased_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(erased_at)
ORDER BY (tenant_id, person_hash)
