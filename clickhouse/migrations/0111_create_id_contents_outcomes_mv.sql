-- Fills id_contents (0107) from every row inserted into outcomes, whatever wrote it (an ingest
-- request, a queued batch, the engine's own Parquet import, Segment): one row per stored copy.
-- cluster: replicated, not distributed (a view; created on every node)
CREATE MATERIALIZED VIEW IF NOT EXISTS id_contents_outcomes_mv TO id_contents AS
SELECT
    tenant_id,
    'outcomes' AS stream,
    outcome_id AS id,
    content_hash,
    person_id,
    '' AS firing_id,
    toUInt64(1) AS copies,
    received_at AS first_received_at,
    received_at AS last_received_at,
    occurred_at AS retained_from
FROM outcomes
