import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { assignmentCtes } from '../common/assignment.sql.js';
import { DEFAULT_SUCCESS_TYPES_SQL } from '../common/sql.js';
import { liftParams } from './lift.query.js';

/** The fewest persons assigned to both triggers for a pair to be reported (docs/design.md §9). */
export const MIN_INTERACTION_PERSONS = 100;

/** One cell of an ordered pair's 2×2: A's arm, B's arm, persons, A-conversions. */
export const interactionCellRow = z.object({
  trigger_a: z.string(),
  trigger_b: z.string(),
  treated_a: z.number(),
  treated_b: z.number(),
  persons: z.number(),
  conversions: z.number(),
});
export type InteractionCellRow = z.infer<typeof interactionCellRow>;

export const interactionParams = liftParams.extend({ minPersons: z.number().int().positive() });

/**
 * Interactions of triggers in one statement (docs/design.md §9): the assignments of every trigger
 * (as lift's), each with whether the person converted by that trigger's success types in
 * (t0, t0 + C]; the persons assigned to both A and B (contaminated in neither) in the 2×2 of
 * their arms, conversion being A's; the ordered pairs with at least {minPersons} such persons.
 */
export const TRIGGER_INTERACTIONS_QUERY = defineQuery({
  name: 'lift.interactions',
  module: import.meta.url,
  sql: `
WITH
${assignmentCtes({ shared: false, variants: false })}
  outcome_arrays AS (
    -- each person's reachable success outcomes as arrays (type hash, time)
    SELECT person_key, groupArray(cityHash64(type)) AS type_keys, groupArray(at) AS ats
    FROM person_outcomes
    WHERE type IN (SELECT arrayJoin(success_types) FROM defs)
       OR has(${DEFAULT_SUCCESS_TYPES_SQL}, type)
    GROUP BY person_key
  ),
  converted AS (
    -- one row per clean assignment: its arm, and whether the trigger's success followed it
    SELECT s.trigger_id AS trigger_id, s.person_key AS person_key,
           s.first_arm = 'treatment' AS treated,
           arrayExists(
             (type_key, at) -> at > s.t0 AND at <= s.t0 + s.c_ms AND has(s.measured_keys, type_key),
             o.type_keys, o.ats) AS person_converted
    FROM scoped AS s
    LEFT JOIN outcome_arrays AS o ON o.person_key = s.person_key
    WHERE NOT s.is_contaminated
  ),
  per_person AS (
    -- each person with two or more clean assignments: (trigger, treated, converted) of each
    SELECT person_key, groupArray((trigger_id, treated, person_converted)) AS assigned
    FROM converted
    GROUP BY person_key
    HAVING length(assigned) > 1
  ),
  cells AS MATERIALIZED (
    -- per ordered pair of a person's assignments and their arms: persons, and A's conversions.
    -- The pairs come from each person's own list (two ARRAY JOINs: its cross product), not from
    -- joining the assignments to themselves: 10M firings, about a fifth less time, same rows.
    -- Read twice below, so computed once
    SELECT a.1 AS trigger_a, b.1 AS trigger_b, toUInt8(a.2) AS treated_a, toUInt8(b.2) AS treated_b,
           count() AS persons, countIf(a.3) AS conversions
    FROM per_person
    ARRAY JOIN assigned AS a
    ARRAY JOIN assigned AS b
    WHERE a.1 != b.1
    GROUP BY trigger_a, trigger_b, treated_a, treated_b
  )
SELECT trigger_a, trigger_b, treated_a, treated_b, persons, conversions
FROM cells
WHERE (trigger_a, trigger_b) IN (
  SELECT trigger_a, trigger_b FROM cells GROUP BY trigger_a, trigger_b
  HAVING sum(persons) >= {minPersons:UInt32})
ORDER BY trigger_a, trigger_b, treated_a DESC, treated_b DESC`,
  params: interactionParams,
  row: interactionCellRow,
});
