-- Trend facts serve suppressionAudit too (libs/measurement/suppression): per sent firing, whether
-- it was converted in flight (a success outcome of its trigger between its dispatch and its first
-- open or render) and whether it breached its trigger's frequency cap, as the suppression
-- statement computes them. Builds written before these columns existed read their defaults here,
-- so they are not used (their layout is below 2, see 0083).
-- cluster: shard by person_key
ALTER TABLE trend_facts ADD COLUMN IF NOT EXISTS converted_in_flight Bool DEFAULT false;

ALTER TABLE trend_facts ADD COLUMN IF NOT EXISTS cap_breached Bool DEFAULT false;
