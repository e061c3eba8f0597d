-- When the producer's own pipeline first received a signal (docs/design.md §3, "Signal
-- freshness"): an import of history states it, so that freshness measures the pipeline's lag of
-- the time and not the day of the import. Nullable: a signal sent live leaves it out, and its lag
-- is measured to received_at, the time Causeway received it. The engine and sorting key of signals
-- are unchanged (ReplacingMergeTree(received_at) by (tenant_id, event_id)).
-- cluster: shard by cityHash64(person_id)
ALTER TABLE signals ADD COLUMN IF NOT EXISTS collected_at Nullable(DateTime64(3, 'UTC'));
