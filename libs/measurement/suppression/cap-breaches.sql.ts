import { SENT_FIRING } from '../common/sql.js';

/**
 * The steps `capped` and `cap_sequences` of CAP_BREACHES_CTE: with `personWhere` (constant text, a
 * condition on firings), of the persons it selects only, and each sequence then keeps its firings'
 * keys (cityHash64(firing_id)) in the order of its times, for capFlagsCte.
 */
function capSequencesCtes(personWhere?: string): string {
  const keyed = personWhere !== undefined;
  const ofPersons = keyed ? `\n        AND ${personWhere}` : '';
  return `
  capped AS (
    -- sent treatment firings of capped triggers, from one cap window before the period to its end
    SELECT s.trigger_id AS trigger_id, s.person_key AS person_key, s.t_ms AS t_ms,${keyed ? ' s.firing_key AS firing_key,' : ''}
           toInt64(assumeNotNull(d.frequency_cap_max)) AS cap_max,
           toInt64(assumeNotNull(d.frequency_cap_per_ms)) AS cap_per_ms
    FROM (
      SELECT trigger_id, person_key, toUnixTimestamp64Milli(decided_at) AS t_ms${keyed ? ',\n             cityHash64(firing_id) AS firing_key' : ''}
      FROM firings FINAL
      WHERE tenant_id = {tenantId:String}
        AND ${SENT_FIRING}
        AND decided_at < {to:DateTime64(3, 'UTC')}${ofPersons}
    ) AS s
    INNER JOIN defs AS d ON d.trigger_id = s.trigger_id
    WHERE d.frequency_cap_max IS NOT NULL AND d.frequency_cap_per_ms IS NOT NULL
      AND s.t_ms > toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}) - toInt64(assumeNotNull(d.frequency_cap_per_ms))
  ),
  cap_sequences AS (
    -- each person's sent firings of each capped trigger: times ascending and, for each, the index
    -- of the first firing at the same instant (index − 1 firings are strictly earlier)
    SELECT trigger_id, cap_max, cap_per_ms, times,${keyed ? ' keys,' : ''}
           arrayFill(first -> first != 0,
                     arrayMap(i -> if(i = 1 OR times[i] != times[i - 1], i, 0), arrayEnumerate(times)))
             AS first_at_same_time
    FROM (
      SELECT trigger_id, any(cap_max) AS cap_max, any(cap_per_ms) AS cap_per_ms,
             arraySort(groupArray(t_ms)) AS times${
               keyed
                 ? ',\n             arraySort((key, t) -> t, groupArray(firing_key), groupArray(t_ms)) AS keys'
                 : ''
             }
      FROM capped
      GROUP BY person_key, trigger_id
    )
  )`;
}

/**
 * Cap breaches (docs/design.md §3, "Suppression failures"), shared by the suppression audit and
 * message pressure (`aboveCap`). A sent treatment firing f of trigger T is a breach when the person
 * already had at least `frequency_cap.max` sent treatment firings of T with `decided_at` strictly
 * inside (f.decided_at − per_ms, f.decided_at): firings at the same instant as f do not count, nor
 * does one exactly per_ms before it (the reading of libs/demo/truth.ts). A cap of max 0 makes
 * every sent firing a breach; a trigger without a cap (or without a definition) has none.
 *
 * How it scales without comparing firings pairwise: the times of one person's sent firings of T,
 * sorted, are an array; for the firing at index i, the index `first` of the first firing at the
 * same instant tells that first − 1 firings are strictly earlier. At least `max` of them are
 * inside the window exactly when the max-th most recent of them, at index first − max, is later
 * than decided_at − per_ms. One aggregation by person × trigger and a linear pass over each array.
 *
 * Needs the `defs` CTE (TRIGGER_DEFINITIONS_CTE) before it and binds {tenantId:String},
 * {from:DateTime64(3, 'UTC')} and {to:DateTime64(3, 'UTC')}. Defines
 * `cap_breaches(trigger_id, breaches)`: per capped trigger, its breaching sent firings decided in
 * [from, to).
 */
export const CAP_BREACHES_CTE = `${capSequencesCtes()},
  cap_breaches AS (
    -- per trigger: firings of the period whose max-th most recent strictly earlier firing (index
    -- first − max) lies inside (t − per_ms, t)
    SELECT trigger_id,
           sum(arrayCount(
             (t, first) -> t >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
                           AND first > cap_max
                           AND times[first - cap_max] > t - cap_per_ms,
             times, first_at_same_time)) AS breaches
    FROM cap_sequences
    GROUP BY trigger_id
  )`;

/**
 * The same rule per firing, for the trend facts: `cap_flags(firing_key, cap_breached)`, one row
 * per sent firing of a capped trigger decided in [from, to), of the persons `personWhere` selects
 * (constant text, a condition on firings), keyed by cityHash64(firing_id). Every firing at one
 * instant breaches or not alike (the rule counts strictly earlier firings only), so the order of
 * the keys among firings at the same instant does not matter.
 */
export function capFlagsCte(personWhere: string): string {
  return `${capSequencesCtes(personWhere)},
  cap_flags AS (
    -- per sent firing of a capped trigger: whether its max-th most recent strictly earlier firing
    -- (index first − max) lies inside (t − per_ms, t)
    SELECT firing_key,
           t >= toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')})
             AND first > cap_max AND times[first - cap_max] > t - cap_per_ms AS cap_breached
    FROM cap_sequences
    ARRAY JOIN times AS t, first_at_same_time AS first, keys AS firing_key
  )`;
}
