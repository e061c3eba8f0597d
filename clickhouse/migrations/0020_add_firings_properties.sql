-- Firing properties (docs/design.md §9): the person's context at the decision (tier, country, device,
-- lifecycle stage), an object of string, number and boolean values stored as its JSON text, as
-- signals store theirs. A plain String column: the engine and sorting key of firings are unchanged
-- (ReplacingMergeTree(received_at) by (tenant_id, firing_id)). DEFAULT '{}' makes the firings
-- written before this migration read as "no properties"; the ingest writes '{}' itself for a new
-- firing without them.
-- cluster: shard by cityHash64(person_id)
ALTER TABLE firings ADD COLUMN IF NOT EXISTS properties String DEFAULT '{}';
