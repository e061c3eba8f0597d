-- The report snapshots whose snapshot.created has been handed to every listener (the webhooks,
-- which queue a message per endpoint). A snapshot is stored first and announced after: should the
-- announcement fail, the snapshot has no row here, the weekly run fails for its tenant, and the
-- run that finds the week's snapshot already taken (the job's retry) announces it then, so the
-- event is told at least once. Rows are only added: two writers racing add two rows, read as one.
-- ORDER BY (tenant_id, snapshot_id): every read is one snapshot's. No TTL, like the snapshots.
-- The snapshots stored before this table were announced when they were taken (a failure was
-- logged and not retried): they are carried over, so none is announced a second time.
-- cluster: replicated, not distributed (small; read with report_snapshots)
CREATE TABLE IF NOT EXISTS report_snapshot_announcements
(
    tenant_id LowCardinality(String),
    snapshot_id String,
    announced_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (tenant_id, snapshot_id);

INSERT INTO report_snapshot_announcements (tenant_id, snapshot_id, announced_at)
SELECT tenant_id, snapshot_id, min(created_at)
FROM report_snapshots
GROUP BY tenant_id, snapshot_id
