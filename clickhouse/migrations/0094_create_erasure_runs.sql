-- When each erasure ran, without the person. A build of a derived table (the assignment rollup,
-- the trend facts) reads its streams in statements that commit later: one that read a person's
-- rows before an erasure deleted them may write them after the erasure's last scan. A build that
-- overlapped an erasure is therefore discarded, not recorded (libs/lifecycle/erasure-runs.ts).
-- Two rows per erasure, both stamped by the engine's clock: one as it starts (ended_at NULL), one
-- as it ends, failed or not. Plain MergeTree keyed by (tenant_id, erasure_id): a handful of rows,
-- read whole by each build. TTL a day: a build looks back an hour at most.
-- cluster: replicated, not distributed (a few rows)
CREATE TABLE IF NOT EXISTS erasure_runs
(
    tenant_id LowCardinality(String),
    erasure_id String,
    started_at DateTime64(3, 'UTC'),
    ended_at Nullable(DateTime64(3, 'UTC'))
)
ENGINE = MergeTree
ORDER BY (tenant_id, erasure_id)
TTL toDateTime(started_at) + INTERVAL 1 DAY
