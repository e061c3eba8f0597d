-- The data version of each tenant when the store is a server shared by several processes (API
-- replicas, workers): a count of the writes that changed what the tenant's measures read. Each
-- such write (an ingest batch, a trigger definition, an erasure) adds a row (tenant_id, 1) once it
-- is stored; an answer kept in memory is served only while the count it was computed at is still
-- the count (libs/storage/data-versions.ts). SummingMergeTree: merges add a tenant's rows into
-- one, and readers take sum(writes), so rows not yet merged count as well. ORDER BY tenant_id: a
-- read is one key's range. The embedded engine has one process, which keeps the count in memory
-- and never writes here.
-- cluster: replicated, not distributed (one small row per tenant, read by every node)
CREATE TABLE IF NOT EXISTS data_versions
(
    tenant_id LowCardinality(String),
    writes UInt64
)
ENGINE = SummingMergeTree
ORDER BY tenant_id
