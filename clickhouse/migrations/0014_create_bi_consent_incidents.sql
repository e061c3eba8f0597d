-- BI view bi_consent_incidents: one row per non-compliant activation, a sent treatment firing of a
-- trigger with a consent_purpose whose person had not granted that purpose at decided_at (their
-- latest consent event at or before it revokes, or there is none). Columns are documented in
-- clickhouse/bi/README.md. Counted per trigger over [from, to) of decided_at, the rows equal
-- consentAudit's byTrigger.nonCompliant, and the quantiles of sync_lag_ms over the 'revoked' rows
-- its syncLagP50Ms / syncLagP90Ms (the same rules: ASOF join on person × purpose, ties at one
-- instant resolved by the later recorded_at, then the larger event_id).
-- cluster: replicated, not distributed (a view; created on every node, reading the distributed tables)
CREATE VIEW IF NOT EXISTS bi_consent_incidents AS
WITH
  defs AS (
    -- the newest definition of each trigger of each tenant
    SELECT tenant_id, trigger_id, channel, consent_purpose
    FROM triggers FINAL
    ORDER BY tenant_id, trigger_id, version DESC
    LIMIT 1 BY tenant_id, trigger_id
  ),
  subjects AS (
    -- sent treatment firings of triggers that need consent, keyed by person × purpose
    SELECT f.tenant_id AS tenant_id, f.firing_id AS firing_id, f.trigger_id AS trigger_id,
           f.person_id AS person_id, f.decided_at AS decided_at,
           if(f.channel = '', d.channel, f.channel) AS channel,
           d.consent_purpose AS purpose,
           cityHash64(f.person_key, d.consent_purpose) AS person_purpose,
           toUnixTimestamp64Milli(f.decided_at) AS t_ms
    FROM firings AS f FINAL
    INNER JOIN defs AS d ON d.tenant_id = f.tenant_id AND d.trigger_id = f.trigger_id
    WHERE f.arm = 'treatment' AND f.skip_reason = '' AND d.consent_purpose != ''
  ),
  changes AS (
    -- consent events, one per (person, purpose, instant): at the same instant the later
    -- recorded_at, then the larger event_id, decides
    SELECT tenant_id, cityHash64(person_key, purpose) AS person_purpose,
           toUnixTimestamp64Milli(occurred_at) AS at_ms,
           argMax(granted, (ifNull(recorded_at, occurred_at), event_id)) AS granted,
           toUInt8(1) AS found
    FROM consent FINAL
    GROUP BY tenant_id, person_purpose, at_ms
  ),
  states AS (
    -- the consent state at each decision: the latest change at or before decided_at (ASOF)
    SELECT s.tenant_id AS tenant_id, s.firing_id AS firing_id, s.trigger_id AS trigger_id,
           s.channel AS channel, s.person_id AS person_id, s.purpose AS purpose,
           s.decided_at AS decided_at, s.t_ms AS t_ms,
           ifNull(c.found, 0) = 1 AS has_event,
           ifNull(c.granted, false) AS granted,
           c.at_ms AS event_ms
    FROM subjects AS s
    ASOF LEFT JOIN changes AS c
      ON c.tenant_id = s.tenant_id AND c.person_purpose = s.person_purpose AND c.at_ms <= s.t_ms
  )
-- one row per non-compliant activation
SELECT
  tenant_id,
  decided_at,
  toDate(decided_at) AS date,
  firing_id,
  trigger_id,
  channel,
  person_id,
  purpose,
  if(has_event, 'revoked', 'never_granted') AS consent_state,
  if(has_event, fromUnixTimestamp64Milli(event_ms, 'UTC'), NULL) AS consent_changed_at,
  if(has_event, t_ms - event_ms, NULL) AS sync_lag_ms
FROM states
WHERE NOT (has_event AND granted)
