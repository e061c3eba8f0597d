-- The firings of persons erased with blockReingest: exposures name no person, only a firing, so a
-- later exposure of an erased person's firing (a provider's late `clicked`) is refused with reason
-- `erased` by its firing_id. Only a keyed hash of the firing id is kept, as for erased_persons
-- (0033): HMAC-SHA-256 with the server's pepper over tenant and id. ReplacingMergeTree keyed by
-- (tenant_id, firing_hash): erasing a person twice leaves one row per firing. Read whole per
-- tenant by ingest beside erased_persons (cached a few seconds); small.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS erased_firings
(
    tenant_id LowCardinality(String),
    firing_hash String,
    erased_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(erased_at)
ORDER BY (tenant_id, firing_hash)
