-- The last failed send of each tenant's digest (the mail server down, every recipient refused,
-- SMTP_URL unset), so that the digest shows it (Digest.lastFailedAt, lastError) until a send
-- succeeds after it: a digest that fails every week is seen by whoever reads the digest, not only
-- in the logs. Kept apart from digest_sends, whose latest row is the last send that went out.
-- ReplacingMergeTree(failed_at) keyed by tenant_id, read with FINAL: the latest failure.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS digest_failures
(
    tenant_id LowCardinality(String),
    failed_at DateTime64(3, 'UTC'),
    error String
)
ENGINE = ReplacingMergeTree(failed_at)
ORDER BY tenant_id
