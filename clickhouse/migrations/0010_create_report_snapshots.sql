-- Lift report snapshots: the report of one tenant and period as it read when it was taken, kept
-- unchanged so that a figure quoted in a meeting can be found again after late data moved the
-- live numbers. One row per snapshot: the measures as JSON (the same objects the GraphQL API
-- returns, read by the bi_lift and bi_guardrails views) and the rendered HTML.
-- Plain MergeTree, not Replacing: a snapshot is written once and never updated. The writer checks
-- that an id is new before inserting; should two writers race, readers take the first row written
-- (ORDER BY created_at LIMIT 1 BY snapshot_id), so a stored snapshot never changes.
-- ORDER BY (tenant_id, snapshot_id): every read is one tenant's, by id or listed by period.
-- No partitioning or TTL: a few hundred KB per tenant and week, kept as records.
-- cluster: replicated, not distributed (small; every read is one tenant's by id)
CREATE TABLE IF NOT EXISTS report_snapshots
(
    tenant_id LowCardinality(String),
    snapshot_id String,
    kind LowCardinality(String),
    period_from DateTime64(3, 'UTC'),
    period_to DateTime64(3, 'UTC'),
    created_at DateTime64(3, 'UTC'),
    measures String CODEC(ZSTD(3)),
    html String CODEC(ZSTD(3))
)
ENGINE = MergeTree
ORDER BY (tenant_id, snapshot_id)
