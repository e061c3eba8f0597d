-- BI view bi_suppression_incidents, replaced so that it states join_use_nulls = 0 itself: a
-- reader's setting no longer reaches its joins. A BI tool may set join_use_nulls = 1 (the BI
-- profile's readonly = 2 lets it), and so may a server's default profile. Then the view could not
-- be read: its joins turned columns it declares as not nullable into nullable ones, which the
-- engine refuses.
-- Otherwise as 0131_replace_bi_suppression_incidents.sql, whose comments describe the view;
-- columns are documented in clickhouse/bi/README.md.
-- cluster: replicated, not distributed (a view; created on every node, reading the distributed tables)
CREATE OR REPLACE VIEW bi_suppression_incidents AS
WITH
  defs AS (
    -- the newest definition of each trigger of each tenant, success types defaulted
    SELECT tenant_id, trigger_id, channel,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types,
           toInt64(ifNull(suppression_converted_lookback_ms, 86400000)) AS lookback_ms,
           frequency_cap_max, frequency_cap_per_ms
    FROM triggers FINAL
    ORDER BY tenant_id, trigger_id, version DESC
    LIMIT 1 BY tenant_id, trigger_id
  ),
  subjects AS (
    -- sent treatment firings, keyed by person × trigger for the ASOF joins; a trigger never
    -- defined is checked with the default 24 h lookback, and has no cap
    SELECT f.tenant_id AS tenant_id, f.firing_id AS firing_id, f.trigger_id AS trigger_id,
           f.person_id AS person_id, f.person_key AS person_key, f.decided_at AS decided_at,
           if(f.channel = '', d.channel, f.channel) AS channel,
           cityHash64(f.person_key, f.trigger_id) AS person_trigger,
           toUnixTimestamp64Milli(f.decided_at) AS t_ms,
           toUnixTimestamp64Milli(f.dispatched_at) AS dispatched_ms,
           if(d.trigger_id != '', d.lookback_ms, 86400000) AS lookback_ms,
           d.frequency_cap_max AS cap_max, d.frequency_cap_per_ms AS cap_per_ms
    FROM firings AS f FINAL
    LEFT JOIN defs AS d ON d.tenant_id = f.tenant_id AND d.trigger_id = f.trigger_id
    WHERE f.arm = 'treatment' AND f.skip_reason = ''
  ),
  rules AS (
    -- the success types of each trigger with a sent firing: its definition's, or for a trigger
    -- never defined the defaults (conversion, purchase, signup), as lift measures it
    SELECT s.tenant_id AS tenant_id, s.trigger_id AS trigger_id,
           if(d.trigger_id != '', d.success_types, ['conversion', 'purchase', 'signup']) AS success_types
    FROM (
      SELECT DISTINCT tenant_id, trigger_id FROM firings WHERE arm = 'treatment' AND skip_reason = ''
    ) AS s
    LEFT JOIN defs AS d ON d.tenant_id = s.tenant_id AND d.trigger_id = s.trigger_id
  ),
  successes AS (
    -- outcomes, once per trigger whose success types name their type
    SELECT o.tenant_id AS tenant_id, cityHash64(o.person_key, t.trigger_id) AS person_trigger,
           toUnixTimestamp64Milli(o.occurred_at) AS at_ms
    FROM outcomes AS o FINAL
    INNER JOIN (SELECT tenant_id, trigger_id, arrayJoin(success_types) AS type FROM rules) AS t
      ON t.tenant_id = o.tenant_id AND t.type = o.type
  ),
  converted_then_targeted AS (
    -- the latest success of the trigger strictly before the decision lies within the lookback
    SELECT s.tenant_id AS tenant_id, s.firing_id AS firing_id, c.at_ms AS outcome_ms
    FROM subjects AS s
    ASOF INNER JOIN successes AS c
      ON c.tenant_id = s.tenant_id AND c.person_trigger = s.person_trigger AND c.at_ms < s.t_ms
    WHERE c.at_ms >= s.t_ms - s.lookback_ms
  ),
  first_open AS (
    -- when each firing's content was first resolved: its first opened or rendered exposure
    SELECT tenant_id, firing_id, min(toUnixTimestamp64Milli(occurred_at)) AS open_ms
    FROM exposures FINAL
    WHERE type IN ('opened', 'rendered')
    GROUP BY tenant_id, firing_id
  ),
  converted_in_flight AS (
    -- the first success of the trigger after dispatch comes before the first open
    SELECT i.tenant_id AS tenant_id, i.firing_id AS firing_id, c.at_ms AS outcome_ms
    FROM (
      SELECT s.tenant_id AS tenant_id, s.firing_id AS firing_id,
             s.person_trigger AS person_trigger,
             assumeNotNull(s.dispatched_ms) AS dispatched_ms, o.open_ms AS open_ms
      FROM subjects AS s
      INNER JOIN first_open AS o ON o.tenant_id = s.tenant_id AND o.firing_id = s.firing_id
      WHERE s.dispatched_ms IS NOT NULL
    ) AS i
    ASOF INNER JOIN successes AS c
      ON c.tenant_id = i.tenant_id AND c.person_trigger = i.person_trigger
     AND c.at_ms > i.dispatched_ms
    WHERE c.at_ms < i.open_ms
  ),
  cap_sequences AS (
    -- each person's sent firings of each capped trigger in time order and, for each, the index of
    -- the first firing at the same instant (that index − 1 firings are strictly earlier)
    SELECT tenant_id, sequence_cap_max AS cap_max, sequence_cap_per_ms AS cap_per_ms,
           arrayMap(pair -> pair.1, sorted) AS times,
           arrayMap(pair -> pair.2, sorted) AS firing_ids,
           arrayFill(first -> first != 0,
                     arrayMap(i -> if(i = 1 OR times[i] != times[i - 1], i, 0), arrayEnumerate(times)))
             AS first_at_same_time
    FROM (
      SELECT tenant_id, any(toInt64(assumeNotNull(cap_max))) AS sequence_cap_max,
             any(toInt64(assumeNotNull(cap_per_ms))) AS sequence_cap_per_ms,
             arraySort(groupArray((t_ms, firing_id))) AS sorted
      FROM subjects
      WHERE cap_max IS NOT NULL AND cap_per_ms IS NOT NULL
      GROUP BY tenant_id, person_key, trigger_id
    )
  ),
  cap_breaches AS (
    -- firings whose max-th most recent strictly earlier firing lies inside (t − per_ms, t)
    SELECT tenant_id, breach_firing_id AS firing_id, CAST(NULL, 'Nullable(Int64)') AS outcome_ms
    FROM cap_sequences
    ARRAY JOIN arrayFilter(
      (breach_firing, t, first) -> first > cap_max AND times[first - cap_max] > t - cap_per_ms,
      firing_ids, times, first_at_same_time
    ) AS breach_firing_id
  ),
  incidents AS (
    -- the three kinds of failure, one row per failing firing and kind
    SELECT tenant_id, firing_id, 'converted_then_targeted' AS failure, toNullable(outcome_ms) AS outcome_ms
    FROM converted_then_targeted
    UNION ALL
    SELECT tenant_id, firing_id, 'converted_in_flight' AS failure, toNullable(outcome_ms) AS outcome_ms
    FROM converted_in_flight
    UNION ALL
    SELECT tenant_id, firing_id, 'cap_breach' AS failure, outcome_ms
    FROM cap_breaches
  )
-- one row per suppression failure of a sent firing (a firing can fail more than one way)
SELECT
  s.tenant_id AS tenant_id,
  s.decided_at AS decided_at,
  toDate(s.decided_at) AS date,
  s.firing_id AS firing_id,
  s.trigger_id AS trigger_id,
  s.channel AS channel,
  s.person_id AS person_id,
  i.failure AS failure,
  if(i.outcome_ms IS NULL, NULL, fromUnixTimestamp64Milli(i.outcome_ms, 'UTC')) AS outcome_at
FROM incidents AS i
INNER JOIN subjects AS s ON s.tenant_id = i.tenant_id AND s.firing_id = i.firing_id
SETTINGS join_use_nulls = 0
