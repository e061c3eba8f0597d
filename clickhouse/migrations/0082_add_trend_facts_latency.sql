-- Trend facts serve triggerLatency too (libs/measurement/latency): per sent firing, the channel it
-- names ('' = its trigger's, resolved when read) and its two latency steps in ms, as the latency
-- statement computes them (NULL where a time is unknown). Builds written before these columns
-- existed read their defaults here, so they are not used (their layout is 0, see 0083).
-- cluster: shard by person_key
ALTER TABLE trend_facts ADD COLUMN IF NOT EXISTS channel LowCardinality(String) DEFAULT '';

ALTER TABLE trend_facts ADD COLUMN IF NOT EXISTS signal_to_decision_ms Nullable(Int64);

ALTER TABLE trend_facts ADD COLUMN IF NOT EXISTS decision_to_delivery_ms Nullable(Int64);
