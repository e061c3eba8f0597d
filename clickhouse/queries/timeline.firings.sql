-- timeline.firings: generated from libs/measurement/timeline/timeline.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, personId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
-- Settings: join_use_nulls = 0, enable_materialized_cte = 1

WITH
  trigger_versions AS (
    -- every stored version of each trigger (FINAL collapses re-sent versions), and the newest
    -- once more under named_version 0, the "not stated" of firings.trigger_version
    SELECT trigger_id, version, arrayJoin(if(newest_first = 1, [version, 0], [version])) AS named_version,
           channel, nullIf(window_ms, 0) AS window_ms, conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types,
           consent_purpose, status
    FROM (
      SELECT *, row_number() OVER (PARTITION BY trigger_id ORDER BY version DESC) AS newest_first
      FROM triggers FINAL
      WHERE tenant_id = {tenantId:String}
    )
  ),
  person_firings AS (
    -- this person: firings in the period (FINAL: one row per firing_id)
    SELECT firing_id, trigger_id, trigger_version, arm, skip_reason, signal_at, dispatched_at,
           decided_at, signal_event_id, channel, surface, variant, properties
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String} AND person_key = cityHash64({personId:String}) AND person_id = {personId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
  ),
  first_delivery AS (
    -- first delivered|rendered exposure of each of those firings
    SELECT firing_id, toNullable(min(occurred_at)) AS delivered_at
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('delivered', 'rendered')
      AND firing_id IN (SELECT firing_id FROM person_firings)
    GROUP BY firing_id
  ),
  referenced AS (
    -- event time of the signals the firings name
    SELECT event_id, toNullable(occurred_at) AS referenced_at
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND event_id IN (SELECT signal_event_id FROM person_firings WHERE signal_event_id != '')
  ),
  defined AS (
    -- each firing with its times in ms and the version it is measured against
    SELECT f.firing_id AS firing_id, f.trigger_id AS trigger_id,
           f.trigger_version AS trigger_version, f.arm AS arm, f.skip_reason AS skip_reason,
           f.signal_event_id AS signal_event_id, f.channel AS channel, f.surface AS surface, f.variant AS variant, f.properties AS properties, f.decided_at AS decided_at,
           f.dispatched_at AS dispatched_at,
           toUnixTimestamp64Milli(f.decided_at) AS decided_ms,
           toUnixTimestamp64Milli(coalesce(f.signal_at, r.referenced_at)) AS signal_ms,
           toUnixTimestamp64Milli(d.delivered_at) AS delivered_ms,
           multiIf(named.trigger_id != '', named.version, newest.trigger_id != '', newest.version, 0)
             AS measured_version,
           if(named.trigger_id != '', named.window_ms, newest.window_ms) AS window_ms,
           if(named.trigger_id != '', named.consent_purpose, newest.consent_purpose) AS consent_purpose
    FROM person_firings AS f
    LEFT JOIN first_delivery AS d ON d.firing_id = f.firing_id
    LEFT JOIN referenced AS r ON r.event_id = f.signal_event_id
    LEFT JOIN trigger_versions AS named
      ON named.trigger_id = f.trigger_id AND named.named_version = f.trigger_version
    LEFT JOIN trigger_versions AS newest
      ON newest.trigger_id = f.trigger_id AND newest.named_version = 0
  ),
  consent_changes AS (
    -- this person: consent state changes, one per (purpose, instant)
    SELECT purpose, toUnixTimestamp64Milli(occurred_at) AS at_ms,
           argMax(granted, reinterpretAsUInt256(reverse(concat(reverse(reinterpretAsFixedString(toUInt64(toUnixTimestamp64Milli(ifNull(recorded_at, occurred_at))))), rightPad(event_id, 24, '\0'))))) AS granted,
           toUInt8(1) AS found
    FROM consent FINAL
    WHERE tenant_id = {tenantId:String} AND person_key = cityHash64({personId:String}) AND person_id = {personId:String}
    GROUP BY purpose, at_ms
  )
-- the state of the consent purpose at its decision (ASOF: latest change at or before)
SELECT d.firing_id AS firing_id, d.trigger_id AS trigger_id, d.trigger_version AS trigger_version,
       d.measured_version AS measured_version, d.arm AS arm, d.skip_reason AS skip_reason,
       d.signal_event_id AS signal_event_id, d.channel AS channel, d.surface AS surface, d.variant AS variant, d.properties AS properties, toString(d.decided_at) AS decided_text,
       toString(d.dispatched_at) AS dispatched_text, d.decided_ms AS decided_ms,
       d.signal_ms AS signal_ms, d.delivered_ms AS delivered_ms, d.window_ms AS window_ms,
       d.consent_purpose AS consent_purpose,
       if(d.consent_purpose = '', NULL, c.found = 1 AND c.granted) AS consent_granted
FROM defined AS d
ASOF LEFT JOIN consent_changes AS c
  ON c.purpose = d.consent_purpose AND c.at_ms <= d.decided_ms
