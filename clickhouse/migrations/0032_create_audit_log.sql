-- The audit log: one row per admin action (key minted, rotated, revoked; person erased; backup
-- taken; webhook, share link and digest changes), with who (the acting key's id), what, on what
-- and when. Append-only: plain MergeTree, written once and never updated; nothing in the code
-- deletes from it (erasures record a hash and counts, never the person's id). ORDER BY
-- (tenant_id, at): every read is one tenant's (or the operator's, all tenants) over a period,
-- newest first. Partitioned by month so an operator can drop old years whole. No TTL: records.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS audit_log
(
    tenant_id LowCardinality(String),
    at DateTime64(3, 'UTC'),
    entry_id UUID,
    actor_key_id String,
    action LowCardinality(String),
    target String,
    detail String
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant_id, at, entry_id)
