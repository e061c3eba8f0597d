-- An API key may expire: after expires_at it is refused like a revoked key. Set at minting
-- (optional) and by rotation, which gives the old key a grace period. Nullable: most keys never
-- expire. Rows of api_keys are whole versions of a key (ReplacingMergeTree(updated_at), see 0009),
-- so every writer copies the column forward.
-- cluster: replicated, not distributed
ALTER TABLE api_keys ADD COLUMN IF NOT EXISTS expires_at Nullable(DateTime64(3, 'UTC'));
