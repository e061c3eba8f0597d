// One zod schema per stream, following DESIGN §2: required fields first, then optional ones, in
// the document's order, which is also the order errors are reported in (the first failing field).
// Unknown fields are accepted and dropped (zod's default `strip`): producers share one event
// shape across tools and add fields freely, and refusing them would reject whole feeds.
// Optional fields accept `null` as absent, as many serializers write one for every empty field.
import { z } from 'zod';
import {
  boolean,
  decimal,
  fraction,
  jsonObject,
  nonNegativeInteger,
  oneOf,
  optionalId,
  optionalText,
  positiveInteger,
  PROPERTIES_CHARS_FACTOR,
  requiredId,
  requiredText,
  textArray,
  textOrJsonObject,
  timestamp,
  uint32,
  version,
} from './fields.js';

/** `signals.kind`; the first is the default. */
export const SIGNAL_KINDS = ['behavioral', 'identity', 'predictive'] as const;
/** `triggers.status`; the first is the default. */
export const TRIGGER_STATUSES = ['draft', 'live', 'paused'] as const;
/** `firings.arm`. */
export const ARMS = ['treatment', 'holdout', 'global_holdout'] as const;
/** `exposures.type`. */
export const EXPOSURE_TYPES = [
  'delivered',
  'rendered',
  'opened',
  'clicked',
  'dismissed',
  'bounced',
  'failed',
] as const;

function nestedObject<T extends z.ZodRawShape>(shape: T, what: string) {
  return z.object(shape, {
    error: (issue) => (issue.input === null || issue.input === undefined ? undefined : what),
  });
}

function buildSchemas(maxChars: number) {
  return {
    signals: z.object({
      event_id: requiredId(),
      person_id: requiredId(),
      type: requiredText(maxChars),
      occurred_at: timestamp(),
      kind: oneOf(SIGNAL_KINDS).nullish(),
      source: optionalText(maxChars),
      session_id: optionalId(),
      sent_at: timestamp().nullish(),
      properties: jsonObject(PROPERTIES_CHARS_FACTOR * maxChars).nullish(),
      computed_at: timestamp().nullish(),
    }),
    triggers: z.object({
      trigger_id: requiredId(),
      name: requiredText(maxChars),
      channel: requiredText(maxChars),
      signal_types: textArray(maxChars),
      window_ms: nonNegativeInteger(),
      success_types: textArray(maxChars),
      version: version().nullish(),
      surface: optionalText(maxChars),
      audience: textOrJsonObject(maxChars),
      holdout_pct: fraction().nullish(),
      conversion_window_ms: nonNegativeInteger().nullish(),
      guardrail_types: textArray(maxChars).nullish(),
      frequency_cap: nestedObject(
        { max: uint32(), per_ms: positiveInteger() },
        'expected an object {"max": count, "per_ms": milliseconds}',
      ).nullish(),
      suppression: nestedObject(
        { converted_lookback_ms: nonNegativeInteger().nullish() },
        'expected an object {"converted_lookback_ms": milliseconds}',
      ).nullish(),
      consent_purpose: optionalText(maxChars),
      status: oneOf(TRIGGER_STATUSES).nullish(),
    }),
    firings: z.object({
      firing_id: requiredId(),
      trigger_id: requiredId(),
      person_id: requiredId(),
      decided_at: timestamp(),
      arm: oneOf(ARMS),
      trigger_version: version().nullish(),
      signal_event_id: optionalId(),
      signal_at: timestamp().nullish(),
      dispatched_at: timestamp().nullish(),
      channel: optionalText(maxChars),
      surface: optionalText(maxChars),
      variant: optionalText(maxChars),
      skip_reason: optionalText(maxChars),
    }),
    exposures: z.object({
      firing_id: requiredId(),
      type: oneOf(EXPOSURE_TYPES),
      occurred_at: timestamp(),
      event_id: optionalId(),
      rendered_variant: optionalText(maxChars),
      machine: boolean().nullish(),
    }),
    outcomes: z.object({
      outcome_id: requiredId(),
      person_id: requiredId(),
      type: requiredText(maxChars),
      occurred_at: timestamp(),
      value: decimal().nullish(),
      currency: optionalText(maxChars),
      order_id: optionalId(),
      refund_of_order_id: optionalId(),
      channel: optionalText(maxChars),
      firing_id: optionalId(),
    }),
    consent: z.object({
      person_id: requiredId(),
      purpose: requiredText(maxChars),
      granted: boolean(),
      occurred_at: timestamp(),
      event_id: optionalId(),
      source: optionalText(maxChars),
      recorded_at: timestamp().nullish(),
    }),
  };
}

/** The schemas of every stream for one field limit. */
export type StreamSchemas = ReturnType<typeof buildSchemas>;

// Building the schemas costs far more than running them, and the limit is one configured value,
// so they are built once per limit rather than per row.
const cache = new Map<number, StreamSchemas>();

/** The stream schemas for a `maxFieldChars` limit. */
export function schemasFor(maxFieldChars: number): StreamSchemas {
  let schemas = cache.get(maxFieldChars);
  if (schemas === undefined) {
    schemas = buildSchemas(maxFieldChars);
    cache.set(maxFieldChars, schemas);
  }
  return schemas;
}
