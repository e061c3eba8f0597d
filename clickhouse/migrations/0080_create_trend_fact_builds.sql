-- Trend facts: per sent treatment firing, what triggerTrend counts of it (see 0081), so that a
-- trend reads one row per firing where the statement over the streams joins five tables. A build
-- is one tenant's facts, written whole from the streams (in parts of persons), then recorded here;
-- queries use the tenant's newest recorded build only while the tenant's data version is the one
-- the build started at (libs/measurement/over-time/trend-facts.ts), else they read the streams.
--
-- One row per build written completely. version: the tenant's data version read before the build
-- read any row; epoch: whose versions these are (the embedded engine counts versions in memory, from
-- zero in every process, so a build made by another process is never trusted; a shared store's
-- versions are persistent and its epoch is empty). overwhelm_types, overwhelm_window_ms: the
-- constants the facts were computed with.
-- cluster: replicated, not distributed (a few rows per tenant)
CREATE TABLE IF NOT EXISTS trend_fact_builds
(
    tenant_id LowCardinality(String),
    build_id UInt64,
    version UInt64,
    epoch String,
    overwhelm_types Array(String),
    overwhelm_window_ms Int64,
    started_at DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    firings UInt64
)
ENGINE = MergeTree
ORDER BY (tenant_id, build_id)
