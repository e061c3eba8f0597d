-- The record of applied migrations. One row per file; `checksum` lets the runner refuse a file
-- that was edited after it ran (migrations are forward-only). MergeTree ordered by version:
-- the table is tiny and read whole at start.
-- cluster: replicated, not distributed (every node keeps the full record)
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32,
    name String,
    checksum String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version
