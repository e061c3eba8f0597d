-- API key revocations, appended and never rewritten. A revocation used to be a newer version of the
-- key's row in api_keys (ReplacingMergeTree(updated_at), see 0009), written by INSERT ... SELECT
-- FINAL as a rotation's expiry is: two such writes of one key at once each copied the row as it
-- was, and the later version won, so a rotation racing a revocation brought the revoked key back.
-- A key is revoked when any row here names it, or when its api_keys row carries revoked_at (keys
-- revoked before this table, or by an API process of an older version during an upgrade); its
-- revokedAt is the earliest. MergeTree keyed by key_id: a key revoked twice keeps both rows. Tiny.
-- api_keys.revoked_at is no longer written; its values are carried over here.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS api_key_revocations
(
    key_id String,
    revoked_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY key_id;

INSERT INTO api_key_revocations (key_id, revoked_at)
SELECT key_id, assumeNotNull(revoked_at)
FROM api_keys FINAL
WHERE revoked_at IS NOT NULL
