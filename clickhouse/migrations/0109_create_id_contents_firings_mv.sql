-- Fills id_contents (0107) from every row inserted into firings, whatever wrote it (an ingest
-- request, a queued batch, the engine's own Parquet import, Segment): one row per stored copy.
-- A firing names itself as its firing (an alias '' AS firing_id would hide the column from the
-- id's expression).
-- cluster: replicated, not distributed (a view; created on every node)
CREATE MATERIALIZED VIEW IF NOT EXISTS id_contents_firings_mv TO id_contents AS
SELECT
    tenant_id,
    'firings' AS stream,
    firing_id AS id,
    content_hash,
    person_id,
    firing_id,
    toUInt64(1) AS copies,
    received_at AS first_received_at,
    received_at AS last_received_at,
    decided_at AS retained_from
FROM firings
