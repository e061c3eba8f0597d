-- maturity.latency_against_windows: generated from libs/measurement/maturity/maturity.query.ts; do not edit.
-- Regenerate with `npm run queries` after changing the statement.
-- Parameters: tenantId String, from DateTime64(3, 'UTC'), to DateTime64(3, 'UTC')
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
  sent AS (
    -- sent treatment firings decided in the period
    SELECT firing_id, trigger_id, trigger_version, decided_at, signal_at, signal_event_id, channel
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND decided_at >= {from:DateTime64(3, 'UTC')} AND decided_at < {to:DateTime64(3, 'UTC')}
      AND arm = 'treatment' AND skip_reason = ''
  ),
  first_delivery AS (
    SELECT cityHash64(firing_id) AS firing_key, toNullable(min(occurred_at)) AS delivered_at
    FROM exposures FINAL
    WHERE tenant_id = {tenantId:String}
      AND type IN ('delivered', 'rendered')
      AND cityHash64(firing_id) IN (SELECT cityHash64(firing_id) FROM sent)
    GROUP BY firing_key
  ),
  referenced AS (
    SELECT cityHash64(event_id) AS event_key, toNullable(occurred_at) AS referenced_at
    FROM signals FINAL
    WHERE tenant_id = {tenantId:String}
      AND event_id IN (
        SELECT signal_event_id FROM sent WHERE signal_at IS NULL AND signal_event_id != ''
      )
  ),
  timed AS (
    -- one row per sent firing: its channel, end-to-end latency and its version window
    SELECT s.trigger_id AS trigger_id,
           if(s.channel != '', s.channel,
              if(named.trigger_id != '', named.channel, newest.channel)) AS firing_channel,
           if(named.trigger_id != '', named.window_ms, newest.window_ms) AS window_ms,
           toUnixTimestamp64Milli(coalesce(d.delivered_at, toNullable(s.decided_at)))
             - toUnixTimestamp64Milli(coalesce(s.signal_at, r.referenced_at)) AS end_to_end_ms
    FROM sent AS s
    LEFT JOIN first_delivery AS d ON d.firing_key = cityHash64(s.firing_id)
    LEFT JOIN referenced AS r ON r.event_key = cityHash64(s.signal_event_id)
    LEFT JOIN trigger_versions AS named
      ON named.trigger_id = s.trigger_id AND named.named_version = s.trigger_version
    LEFT JOIN trigger_versions AS newest
      ON newest.trigger_id = s.trigger_id AND newest.named_version = 0
  ),
  measured AS (
    -- the firings with a latency and a window; the window is named apart from timed's column,
    -- which an alias of the same name would shadow in WHERE (the engine reads an alias there), so
    -- that "IS NOT NULL" tests the window as read, not assumeNotNull's 0 for a trigger without one
    SELECT trigger_id, firing_channel, end_to_end_ms, assumeNotNull(window_ms) AS known_window_ms
    FROM timed
    WHERE end_to_end_ms IS NOT NULL AND window_ms IS NOT NULL
  )
-- per trigger the median latency-to-window ratio; per channel the firings within window
SELECT *
FROM (
  SELECT 'trigger' AS level, trigger_id AS key, count() AS firings,
         countIf(end_to_end_ms <= known_window_ms) AS within_window,
         quantileExactInclusive(0.5)(end_to_end_ms / known_window_ms) AS median_window_ratio
  FROM measured
  GROUP BY trigger_id
  UNION ALL
  SELECT 'channel' AS level, firing_channel AS key, count() AS firings,
         countIf(end_to_end_ms <= known_window_ms) AS within_window,
         quantileExactInclusive(0.5)(end_to_end_ms / known_window_ms) AS median_window_ratio
  FROM measured
  GROUP BY firing_channel
)
ORDER BY level, key
