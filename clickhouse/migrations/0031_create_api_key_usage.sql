-- When each API key was last used. Kept apart from api_keys so that noting a use never rewrites
-- a key's row (a use racing a revocation must not undo it). ReplacingMergeTree(used_at) keyed by
-- key_id: one row per key survives merges, the latest; readers take max(used_at). The service
-- writes at most one row per key a minute, so the table stays as small as api_keys.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS api_key_usage
(
    key_id String,
    used_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(used_at)
ORDER BY key_id
