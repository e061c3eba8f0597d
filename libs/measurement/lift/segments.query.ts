import { z } from 'zod';
import { defineQuery } from '../../storage/index.js';
import { assignmentCtes } from '../common/assignment.sql.js';
import { periodTriggersParams } from '../common/period.js';
import { inPeriod, TRIGGER_FILTER } from '../common/sql.js';
import { LIFT_SUMS_COLUMNS, liftParams, liftSteps, liftSumsRow } from './lift.query.js';

/** The dimensions a lift is segmented by (GraphQL `SegmentDimension`), as the statement binds them. */
export const SEGMENT_DIMENSIONS = ['channel', 'surface', 'variant', 'property'] as const;
export type SegmentDimensionName = (typeof SEGMENT_DIMENSIONS)[number];

/** Bound values of the segments statement: lift's, with the dimension and the property name. */
export const segmentsParams = liftParams.extend({
  by: z.enum(SEGMENT_DIMENSIONS),
  /** The firing property to segment by (by = 'property'); '' otherwise. */
  property: z.string(),
});

// A firing's segment: a column chosen by {by}, or the property's value as text (a string as it
// is, a number or boolean as JSON writes it: 3, 2.5, true); '' when the firing has none. Constant
// text: the choice is made on bound values inside the engine, never by building SQL from input.
const SEGMENT_EXPR = `multiIf(
             {by:String} = 'channel', toString(channel),
             {by:String} = 'surface', toString(surface),
             {by:String} = 'variant', toString(variant),
             JSONType(properties, {property:String}) = 'String',
               JSONExtractString(properties, {property:String}),
             JSONType(properties, {property:String}) IN ('Int64', 'UInt64', 'Double', 'Bool'),
               JSONExtractRaw(properties, {property:String}),
             '')`;

/**
 * Holdout lift per segment of one trigger (docs/design.md §9), in one statement: the lift steps
 * with each assignment's segment (the value on the person's assignment firing, read from firings,
 * since the assignment rollup keeps variants only) in place of its variant; one row per segment ×
 * arm in the LiftSumsRow columns, the segment in `variant` ('' when the firing has none).
 */
export const LIFT_SEGMENTS_QUERY = defineQuery({
  name: 'lift.segments',
  module: import.meta.url,
  sql: `
WITH
${assignmentCtes({ shared: false, variants: true, rollup: false, segment: SEGMENT_EXPR })}
${liftSteps({ values: true })}
SELECT ${LIFT_SUMS_COLUMNS}
FROM sums AS s
LEFT JOIN defs AS d ON d.trigger_id = s.trigger_id
ORDER BY trigger_id, arm, variant`,
  params: segmentsParams,
  row: liftSumsRow,
});

/** Bound values of the property-names statement. */
export const propertyKeysParams = periodTriggersParams.extend({
  /** The most names to answer. */
  limit: z.number().int().positive(),
});

/**
 * The property names the firings of some triggers carry (docs/design.md §9), most used first: the
 * dimensions a lift can be segmented by with `by: PROPERTY`. Read from every firing decided in the
 * period (a person's assignment firing among them).
 */
export const FIRING_PROPERTY_KEYS_QUERY = defineQuery({
  name: 'lift.property_keys',
  module: import.meta.url,
  sql: `
-- every property name of every firing of the triggers decided in [from, to), counted once per firing
SELECT property, count() AS firings
FROM firings FINAL
ARRAY JOIN JSONExtractKeys(properties) AS property
WHERE tenant_id = {tenantId:String}
  AND ${inPeriod('decided_at')}
  AND ${TRIGGER_FILTER}
GROUP BY property
ORDER BY firings DESC, property
LIMIT {limit:UInt32}`,
  params: propertyKeysParams,
  row: z.object({ property: z.string(), firings: z.number() }),
});
