-- Every attempt to deliver a webhook message, appended as it ends (never updated): the message id,
-- its event, the attempt number, what happened and the receiver's status. MergeTree ordered by
-- (tenant_id, webhook_id, at) because every read is one endpoint's latest attempts. TTL 30 days:
-- a delivery log, not a record to keep.
-- cluster: replicated, not distributed
CREATE TABLE IF NOT EXISTS webhook_deliveries
(
    tenant_id LowCardinality(String),
    webhook_id String,
    message_id String,
    event LowCardinality(String),
    attempt UInt16,
    status LowCardinality(String),
    response_status Nullable(UInt16),
    error String,
    at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY (tenant_id, webhook_id, at)
TTL toDateTime(at) + INTERVAL 30 DAY
