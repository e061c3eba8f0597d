-- Part of the trend facts (see 0080). Per sent treatment firing of a build: its trigger and time
-- (decided_at, in Unix milliseconds), its end-to-end latency (NULL when it has no signal time),
-- and whether the person was overwhelmed within the window after it, had
-- converted on the trigger within its lookback before it, and was sent it without consent. The
-- within-window share is not stored: it depends on the trigger's window, applied when read.
-- person_key: the person's key, for erasure and sharding. Builds are partitions: a new one never
-- changes rows a running query reads, and older ones are dropped whole.
-- cluster: shard by person_key
CREATE TABLE IF NOT EXISTS trend_facts
(
    build_id UInt64,
    tenant_id LowCardinality(String),
    trigger_id LowCardinality(String),
    decided_ms Int64,
    person_key UInt64,
    end_to_end_ms Nullable(Int64),
    overwhelmed Bool,
    converted_then_targeted Bool,
    non_compliant Bool
)
ENGINE = MergeTree
PARTITION BY build_id
ORDER BY (tenant_id, trigger_id, decided_ms)
