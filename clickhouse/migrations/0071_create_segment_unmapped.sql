-- Segment messages no rule maps to a stream (identify, page, screen, group, alias calls, and track
-- events whose name has no rule): counted and kept with their JSON as sent, so that nothing sent
-- is lost and they can be read, or mapped once a rule exists (docs/design.md §11).
-- ReplacingMergeTree(updated_at) keyed by (tenant_id, message_id): a message delivered again
-- (producers retry; the messageId stays) collapses to one row, and mapping a kept message later
-- writes its row again with mapped_at set; the latest write wins, and queries read with FINAL.
-- No time partitioning, for the reason of 0002: a copy that arrives a month later must meet the
-- first in the same partition to collapse. `timestamp` is the event time by Segment's clock-skew
-- rule, computed on arrival; person_id (userId, else anonymousId) lets an erasure find the
-- person's messages.
-- cluster: shard by cityHash64(message_id)
CREATE TABLE IF NOT EXISTS segment_unmapped
(
    tenant_id LowCardinality(String),
    message_id String,
    type LowCardinality(String),
    event String,
    person_id String,
    timestamp DateTime64(3, 'UTC'),
    received_at DateTime64(3, 'UTC'),
    raw String,
    mapped_at Nullable(DateTime64(3, 'UTC')),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant_id, message_id)
