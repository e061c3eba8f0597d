-- What befell a webhook endpoint after it was created, one appended row per change and never
-- rewritten: DISABLED (its receiver answered 410 Gone; at is the attempt's time) and DELETED
-- (deleteWebhook). The endpoint's state is derived from them: deleted once it has a DELETED row,
-- disabled since its earliest DISABLED row. Both used to be written as a newer version of the
-- endpoint's webhooks row, copied from the row as read: a disabling that read the row just before a
-- deletion landed wrote it back live under a higher version, and the deleted endpoint returned.
-- Appended rows do not replace one another, so no order of writes, in one process or several,
-- undoes a deletion or moves the first disabling. Rows written before this table (deleted = 1,
-- disabled_at on webhooks) are still read where they are.
-- MergeTree ordered by (tenant_id, webhook_id): every read is one tenant's endpoints. No TTL: the
-- changes last as long as the endpoints.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS webhook_changes
(
    tenant_id LowCardinality(String),
    webhook_id String,
    change LowCardinality(String),
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (tenant_id, webhook_id)
