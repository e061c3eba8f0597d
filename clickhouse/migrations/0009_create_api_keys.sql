-- API keys. Only a keyed hash of the secret is stored (HMAC-SHA-256 with the server's pepper);
-- the key itself is shown once when minted. ReplacingMergeTree(updated_at) keyed by key_id: a
-- revocation is a newer row for the same key_id. Tiny; read with FINAL.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS api_keys
(
    key_id String,
    tenant_id String,
    scopes Array(LowCardinality(String)),
    secret_hash String,
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key_id
