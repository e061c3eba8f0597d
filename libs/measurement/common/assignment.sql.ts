import {
  DEFAULT_SUCCESS_TYPES_SQL,
  FIRST_FIRING_KEY,
  TRIGGER_DEFINITIONS_CTE,
  TRIGGER_FILTER,
  firstFiringArm,
  firstFiringKeyAt,
  firstFiringTime,
  firstFiringTreated,
  inPeriod,
} from './sql.js';

// The assignment of holdout lift (docs/design.md §3), shared by lift and guardrails: each person's
// first firing of each trigger in the period, with the outcome types and window it is measured by.

/** How a statement uses the assignment steps. */
export interface AssignmentOptions {
  /** Read by more than one later step: computed once (MATERIALIZED), not once per reference. */
  shared: boolean;
  /**
   * Each assignment's variant is needed (lift by variant); otherwise first_variant is ''. The
   * variant is carried as LowCardinality, as the tables store it: the joins and the grouping after
   * move a small dictionary index per assignment instead of its string (over 10M firings, about
   * 6% of lift by variant's time).
   */
  variants: boolean;
  /**
   * Read the assignment rollup where it holds a person (the default); false: firings alone, the
   * plain-tables form the benchmark times the product against.
   */
  rollup?: boolean;
  /**
   * Also the time each contaminated assignment became so (`contaminated_at`, Unix ms: its first
   * firing in the period of the arm other than the first's; 0 when not contaminated): lift as it
   * read at an earlier moment (liftOverTime) counts a person contaminated only from then.
   */
  contaminationTime?: boolean;
  /**
   * A column expression over a firings row (constant text, never input) whose value on the
   * assignment firing is kept as first_variant in place of the variant: the segment of liftSegments.
   * Read from firings alone (the rollup keeps only variants), so `rollup` must be false.
   */
  segment?: string;
}

const FROM_KEY = firstFiringKeyAt(`{from:DateTime64(3, 'UTC')}`);
const TO_KEY = firstFiringKeyAt(`{to:DateTime64(3, 'UTC')}`);

/** The assignment columns, in the order both sources give them. */
const ASSIGNMENT_COLUMNS =
  'assigned_trigger, assigned_person, t0, first_arm, first_variant, is_contaminated';

/** ASSIGNMENT_COLUMNS with the contamination time (AssignmentOptions.contaminationTime). */
const TIMED_ASSIGNMENT_COLUMNS = `${ASSIGNMENT_COLUMNS}, contaminated_at`;

/**
 * Assignments from firings (with `filter` on their rows): grouped by one 64-bit hash of person ×
 * trigger, which the engine groups faster than the pair (like person_key itself, a collision is
 * accepted as negligible).
 */
function assignmentsFromFirings(
  variants: boolean,
  timed: boolean,
  filter: string,
  segment?: string,
): string {
  const firstVariant =
    segment !== undefined
      ? `argMin(${segment}, ${FIRST_FIRING_KEY})`
      : variants
        ? `toLowCardinality(argMin(variant, ${FIRST_FIRING_KEY}))`
        : `toLowCardinality('')`;
  // the first firing of the other arm is the later of the two arms' first firings
  const contaminatedAt = timed
    ? `,
           if(is_contaminated,
              greatest(minIf(toUnixTimestamp64Milli(decided_at), arm = 'treatment'),
                       minIf(toUnixTimestamp64Milli(decided_at), arm != 'treatment')),
              toInt64(0)) AS contaminated_at`
    : '';
  return `
    SELECT toLowCardinality(any(trigger_id)) AS assigned_trigger, any(person_key) AS assigned_person,
           min(${FIRST_FIRING_KEY}) AS first_key,
           ${firstFiringTime('first_key')} AS t0,
           ${firstFiringArm('first_key')} AS first_arm,
           ${firstVariant} AS first_variant,
           min(arm = 'treatment') != max(arm = 'treatment') AS is_contaminated${contaminatedAt}
    FROM firings FINAL
    WHERE tenant_id = {tenantId:String}
      AND ${inPeriod('decided_at')}
      AND ${TRIGGER_FILTER}${filter}
    GROUP BY cityHash64(person_key, trigger_id)`;
}

/** Assignments from the newest build's sorted sequences: the keys in the period. */
function assignmentsFromRollup(variants: boolean, timed: boolean): string {
  const firstVariant = variants
    ? `toLowCardinality(variants[arrayFirstIndex(key -> key >= ${FROM_KEY}, keys)])`
    : `toLowCardinality('')`;
  // the keys are sorted: the first key of the other arm is the contamination
  const contaminatedAt = timed
    ? `,
           if(is_contaminated,
              ${firstFiringTime(`arrayFirst(key -> ${firstFiringTreated('key')} != ${firstFiringTreated('first_key')}, period_keys)`)},
              toInt64(0)) AS contaminated_at`
    : '';
  return `
    SELECT trigger_id AS assigned_trigger, person_key AS assigned_person,
           arrayFilter(key -> key >= ${FROM_KEY} AND key < ${TO_KEY}, keys) AS period_keys,
           period_keys[1] AS first_key,
           ${firstFiringTime('first_key')} AS t0,
           ${firstFiringArm('first_key')} AS first_arm,
           ${firstVariant} AS first_variant,
           arrayExists(key -> ${firstFiringTreated('key')}, period_keys)
             AND arrayExists(key -> NOT ${firstFiringTreated('key')}, period_keys)
             AS is_contaminated${contaminatedAt}
    FROM assignment_sequences
    WHERE build_id = (SELECT newest_build FROM rollup) AND tenant_id = {tenantId:String}
      AND ${TRIGGER_FILTER}
      AND notEmpty(period_keys)
      AND person_key NOT IN rewritten`;
}

// The persons the newest build may not describe: those of firings written since its mark, and
// those the build filed such a firing under (a later version may name another person).
const ROLLUP_CTES = `
  rollup AS (
    -- the newest recorded build of the assignment rollup, if any (build 0: none)
    SELECT max(build_id) AS newest_build, argMax(mark, build_id) AS newest_mark,
           count() > 0 AS built
    FROM assignment_builds
  ),
  rewritten AS (
    SELECT person_key FROM firings
    WHERE tenant_id = {tenantId:String} AND (SELECT built FROM rollup)
      AND inserted_at >= (SELECT newest_mark FROM rollup)
    UNION ALL
    SELECT person_key FROM assignment_firings
    WHERE build_id = (SELECT newest_build FROM rollup) AND tenant_id = {tenantId:String}
      AND firing_key IN (
        SELECT cityHash64(firing_id) FROM firings
        WHERE tenant_id = {tenantId:String} AND (SELECT built FROM rollup)
          AND inserted_at >= (SELECT newest_mark FROM rollup))
  ),`;

/**
 * The assignment steps shared by lift and guardrails (then liftSteps in lift.query.ts). Ends with a comma so that
 * a query appends its own steps.
 *
 * A person's assignments come from the newest build of the assignment rollup (see
 * assignment-rollup.ts) unless firings of theirs were written since its mark, or there is no
 * build; those persons' come from firings, grouped here. Both give the same rows: the first
 * firing in the period by FIRST_FIRING_KEY (time, then id), its arm and variant, and whether the
 * period holds firings of both arms.
 */
export function assignmentCtes({
  shared,
  variants,
  rollup = true,
  contaminationTime = false,
  segment,
}: AssignmentOptions): string {
  if (segment !== undefined && rollup) {
    throw new Error('assignmentCtes: a segment is read from firings alone (rollup: false)');
  }
  const columns = contaminationTime ? TIMED_ASSIGNMENT_COLUMNS : ASSIGNMENT_COLUMNS;
  const assignments = rollup
    ? `
    SELECT ${columns} FROM (${assignmentsFromRollup(variants, contaminationTime)})
    UNION ALL
    SELECT ${columns} FROM (${assignmentsFromFirings(
      variants,
      contaminationTime,
      `
      AND (NOT (SELECT built FROM rollup) OR person_key IN rewritten)`,
    )})`
    : assignmentsFromFirings(variants, contaminationTime, '', segment);
  return `
  ${TRIGGER_DEFINITIONS_CTE},${rollup ? ROLLUP_CTES : ''}
  assignments AS${shared ? ' MATERIALIZED' : ''} (
    -- each person's first firing of each trigger in the period, its arm and variant, and
    -- whether they saw both arms${assignments}
  ),
  measured AS (
    -- per defined trigger: the outcome types it is measured with (its success types, or the
    -- given types) as 64-bit hashes, which the per-person step compares faster than strings,
    -- and its conversion window
    SELECT trigger_id,
           arrayMap(type -> cityHash64(type),
                    if(empty({outcomeTypes:Array(String)}), success_types, {outcomeTypes:Array(String)}))
             AS type_keys,
           toInt64(conversion_window_ms) AS c_ms
    FROM defs
  ),
  scoped AS (
    -- the outcome types and conversion window each assignment is measured with; a trigger
    -- without a definition gets the default success types (or the given ones) and 7 days
    SELECT a.assigned_trigger AS trigger_id, a.assigned_person AS person_key, a.t0 AS t0,
           a.first_arm AS first_arm, a.first_variant AS first_variant,
           a.is_contaminated AS is_contaminated,${contaminationTime ? ' a.contaminated_at AS contaminated_at,' : ''}
           if(m.trigger_id = '',
              arrayMap(type -> cityHash64(type),
                       if(empty({outcomeTypes:Array(String)}), ${DEFAULT_SUCCESS_TYPES_SQL},
                          {outcomeTypes:Array(String)})),
              m.type_keys) AS measured_keys,
           if(m.trigger_id = '', toInt64(604800000), m.c_ms) AS c_ms
    FROM assignments AS a
    LEFT JOIN measured AS m ON m.trigger_id = a.assigned_trigger
  ),
  reach AS (
    -- the longest conversion window any assignment can have (a defined trigger's, or the 7-day
    -- default), to bound the outcome scan; taken from the definitions, not from the assignments,
    -- which the engine would otherwise aggregate again for this step alone
    SELECT greatest(max(toInt64(conversion_window_ms)), 604800000) AS c_max FROM defs
  ),
  person_outcomes AS (
    -- outcomes that any window or pre-period can reach; the joins below keep those of assigned
    -- persons (an IN list of them would aggregate the assignments a second time)
    SELECT person_key, type, toUnixTimestamp64Milli(occurred_at) AS at,
           toFloat64(ifNull(value, 0)) AS amount, order_id
    FROM outcomes FINAL
    WHERE tenant_id = {tenantId:String}
      AND occurred_at >= {from:DateTime64(3, 'UTC')} - toIntervalMillisecond((SELECT c_max FROM reach))
      AND occurred_at <= {to:DateTime64(3, 'UTC')} + toIntervalMillisecond((SELECT c_max FROM reach))
  ),
`;
}

/**
 * The step `outcome_arrays`: each person's reachable outcomes of a measured type as arrays (type
 * hash, time, and with `amounts` the amount). Joined to the assignments, one row per assignment
 * comes out, where joining outcome rows would multiply them and need a regrouping. The measured
 * types are the success types of every trigger and the defaults, or the given `outcomeTypes`
 * (few: guardrails read short arrays). Ends with a comma, as assignmentCtes does.
 */
export function outcomeArraysCte({ amounts }: { amounts: boolean }): string {
  return `
  outcome_arrays AS (
    -- each person's reachable outcomes of a measured type as arrays, one row per person: joined
    -- to the assignments, one row per assignment comes out (joining outcome rows would multiply
    -- them); the types are every trigger's success types and the defaults, or the given ones
    SELECT person_key, groupArray(cityHash64(type)) AS type_keys, groupArray(at) AS ats${amounts ? ',\n           groupArray(amount) AS amounts' : ''}
    FROM person_outcomes
    WHERE if(empty({outcomeTypes:Array(String)}),
             type IN (SELECT arrayJoin(success_types) FROM defs)
               OR has(${DEFAULT_SUCCESS_TYPES_SQL}, type),
             has({outcomeTypes:Array(String)}, type))
    GROUP BY person_key
  ),`;
}
