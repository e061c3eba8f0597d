-- The assignment rollup: each (tenant, person, trigger)'s firings as one row of sorted keys, so
-- that lift and guardrails read 3.7M rows where they would group 10M firings (the benchmark's
-- program). A build is written whole from firings FINAL (the newest version of every firing),
-- then recorded in assignment_builds; queries read the newest recorded build and take from
-- firings themselves the persons with a firing written since the build's mark (see
-- libs/measurement/lift/assignment-rollup.ts). Builds are partitions: a new one never changes
-- rows a running query reads, and older ones are dropped whole.
--
-- One row per build that was written completely. started_at: the engine's clock as the build
-- started; mark: rows with inserted_at >= mark may be missing from the build (started_at less a
-- margin).
-- cluster: replicated, not distributed (a few rows)
CREATE TABLE IF NOT EXISTS assignment_builds
(
    build_id UInt64,
    started_at DateTime64(3, 'UTC'),
    mark DateTime64(3, 'UTC'),
    finished_at DateTime64(3, 'UTC'),
    pairs UInt64,
    firings UInt64
)
ENGINE = MergeTree
ORDER BY build_id;
