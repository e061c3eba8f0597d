-- When a kept Segment message first arrived: a message delivered again (a library's retry, a
-- replay; the same messageId) collapses onto its latest copy, whose received_at is that copy's
-- arrival, so the first arrival is written forward in each copy (and in the version that marks
-- it mapped), and unmappedEvents' firstReceivedAt reads it. Rows written before this column read
-- their received_at (the default): the arrival of the copy kept, as before. The engine and
-- sorting key are unchanged.
-- cluster: shard by cityHash64(message_id)
ALTER TABLE segment_unmapped ADD COLUMN IF NOT EXISTS first_received_at DateTime64(3, 'UTC') DEFAULT received_at;
