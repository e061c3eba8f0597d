-- Every line that failed validation, with its raw text, so nothing sent is lost and it can be
-- repaired and re-sent. Append-only MergeTree; read newest first per tenant and stream, hence
-- ORDER BY (tenant_id, stream, received_at). Partitioned by month so old rejections can be dropped
-- a month at a time; kept 180 days.
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
ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (tenant_id, stream, received_at)
TTL toDateTime(received_at) + INTERVAL 180 DAY
