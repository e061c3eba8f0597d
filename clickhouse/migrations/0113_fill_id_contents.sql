-- Fills id_contents (0107) with the rows the stream tables held before its views (0108 to 0112)
-- existed, so that a copy of an id stored before this version is compared with it. Each stored
-- row is one copy: copies merged away before now are not counted, nor their contents.
-- Signals stored with a sent_at are left out: their content hash covered sent_at then, and a
-- retry of them (with a new sent_at) would read as a second content. Their id is recorded from
-- its next copy on. Every other row's hash is what it would be today (a row without sent_at
-- hashed it as null, as every row now does).
-- cluster: shard by cityHash64(id)

INSERT INTO id_contents
SELECT tenant_id, 'signals', event_id, content_hash, person_id, '', 1, received_at, received_at, occurred_at
FROM signals
WHERE sent_at IS NULL;

INSERT INTO id_contents
SELECT tenant_id, 'firings', firing_id, content_hash, person_id, firing_id, 1, received_at, received_at, decided_at
FROM firings;

INSERT INTO id_contents
SELECT tenant_id, 'exposures', event_id, content_hash, '', firing_id, 1, received_at, received_at, occurred_at
FROM exposures;

INSERT INTO id_contents
SELECT tenant_id, 'outcomes', outcome_id, content_hash, person_id, '', 1, received_at, received_at, occurred_at
FROM outcomes;

INSERT INTO id_contents
SELECT tenant_id, 'consent', event_id, content_hash, person_id, '', 1, received_at, received_at, occurred_at
FROM consent
