-- Every line that failed validation, with its raw text, so nothing sent is lost and it can be
-- repaired and re-sent. ReplacingMergeTree keyed by (tenant_id, stream, received_at, request_id,
-- line): a queued batch retried after a partial write records each rejected line once. Read newest
-- first per tenant and stream, which the key's prefix serves. Partitioned by month of arrival so
-- old rejections leave a month at a time; kept 180 days.
-- cluster: shard by rand()
CREATE TABLE IF NOT EXISTS rejected_events
(
    tenant_id LowCardinality(String),
    stream LowCardinality(String),
    request_id String,
    line UInt32,
    field String,
    reason String,
    raw String,
    received_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (tenant_id, stream, received_at, request_id, line)
TTL toDateTime(received_at) + INTERVAL 180 DAY
