-- The last send of each tenant's digest. Kept apart from digests (recipients and schedule, written
-- by setDigest): a send that wrote the whole digests row back would undo a setDigest made while it
-- ran, and a setDigest would undo the send's time, so each writes only its own table.
-- ReplacingMergeTree(sent_at) keyed by tenant_id, read with FINAL: the latest send.
-- digests.last_sent_at is no longer written; its values are carried over here.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS digest_sends
(
    tenant_id LowCardinality(String),
    sent_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(sent_at)
ORDER BY tenant_id;

INSERT INTO digest_sends (tenant_id, sent_at)
SELECT tenant_id, assumeNotNull(last_sent_at)
FROM digests FINAL
WHERE last_sent_at IS NOT NULL
