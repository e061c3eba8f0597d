-- Every attempt to send a tenant's digest, appended as it ends (never updated): a send that went
-- out (`sent`, with the recipients the mail server refused) or one that failed (`error`). The
-- whole history rather than the latest per tenant, so that an evaluation as of a past time reads
-- the digest as it stood then (DIGEST_NOT_SENT): a failure later cleared by a send, or followed
-- by another failure, still shows at a time between. MergeTree ordered by (tenant_id,
-- attempted_at), since every read is one tenant's attempts up to a time. No TTL: a weekly digest
-- adds 52 rows a year, and a tenant's last attempt must stay however old it is.
-- The latest rows of digest_sends (0092) and digest_failures (0098) are carried over; those two
-- tables are no longer written nor read, and are left in place so that a process of the previous
-- version still running during an upgrade does not fail its writes.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS digest_attempts
(
    tenant_id LowCardinality(String),
    attempted_at DateTime64(3, 'UTC'),
    sent Bool,
    refused Array(String),
    error String
)
ENGINE = MergeTree
ORDER BY (tenant_id, attempted_at);

INSERT INTO digest_attempts (tenant_id, attempted_at, sent, refused, error)
SELECT tenant_id, sent_at, true, refused, ''
FROM digest_sends FINAL;

INSERT INTO digest_attempts (tenant_id, attempted_at, sent, refused, error)
SELECT tenant_id, failed_at, false, [], error
FROM digest_failures FINAL
