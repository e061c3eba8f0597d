// The common case of validation without zod. Producers send millions of rows whose strings are
// plain printable ASCII, whose timestamps are well formed and whose enums are spelled right; for
// such a row these functions build exactly the data its zod schema would (schemas.ts), an order of
// magnitude faster. Anything else (a missing or wrong-typed field, a non-ASCII or over-long string,
// a bad value) makes them answer `undefined`, and the row goes through zod, which finds the first
// failing field and words the message. So the fast path decides no outcome of its own: it only
// recognizes rows zod would accept unchanged, and validate-row.spec.ts checks that on every case.
import type { z } from 'zod';
import {
  decimalText,
  isPlainObject,
  MAX_ID_CHARS,
  objectText,
  PROPERTIES_CHARS_FACTOR,
} from './fields.js';
import { ARMS, EXPOSURE_TYPES, SIGNAL_KINDS, type StreamSchemas } from './schemas.js';
import { parseTimestamp } from './timestamps.js';

type Data<S extends keyof StreamSchemas> = z.output<StreamSchemas[S]>;
type Row = Record<string, unknown>;

// Printable ASCII has no NUL, no surrogate, no control or format character, and one UTF-16 unit
// per character: every text and id check of fields.ts passes when the length is within the limit.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const UINT32_MAX = 4_294_967_295;

/** Marks a value the fast path cannot vouch for. */
const NO = Symbol('fallback');
type Maybe<T> = T | typeof NO;

function text(value: unknown, maxChars: number): Maybe<string> {
  return typeof value === 'string' && value.length <= maxChars && PRINTABLE_ASCII.test(value)
    ? value
    : NO;
}

function requiredText(value: unknown, maxChars: number): Maybe<string> {
  const s = text(value, maxChars);
  return s === NO || s.trim() === '' ? NO : s;
}

function optionalText(value: unknown, maxChars: number): Maybe<string | null | undefined> {
  return value === undefined || value === null ? value : text(value, maxChars);
}

function time(value: unknown): Maybe<number> {
  if (typeof value !== 'number' && typeof value !== 'string') {
    return NO;
  }
  const parsed = parseTimestamp(value);
  return parsed.ok ? parsed.ms : NO;
}

function optionalTime(value: unknown): Maybe<number | null | undefined> {
  return value === undefined || value === null ? value : time(value);
}

function member<T extends string>(value: unknown, values: readonly T[]): Maybe<T> {
  return typeof value === 'string' && (values as readonly string[]).includes(value)
    ? (value as T)
    : NO;
}

function optionalBoolean(value: unknown): Maybe<boolean | null | undefined> {
  return value === undefined || value === null || typeof value === 'boolean' ? value : NO;
}

/** Copies `fields` into a data object, or gives up at the first one the fast path rejects. */
function collect(fields: Row): Row | undefined {
  for (const key in fields) {
    if (fields[key] === NO) {
      return undefined;
    }
  }
  return fields;
}

function signals(v: Row, maxChars: number): Data<'signals'> | undefined {
  let properties: Maybe<string | null | undefined> = v.properties as null | undefined;
  if (properties !== undefined && properties !== null) {
    if (!isPlainObject(properties)) {
      return undefined;
    }
    const result = objectText(properties, PROPERTIES_CHARS_FACTOR * maxChars);
    properties = 'text' in result ? result.text : NO;
  }
  return collect({
    event_id: requiredText(v.event_id, MAX_ID_CHARS),
    person_id: requiredText(v.person_id, MAX_ID_CHARS),
    type: requiredText(v.type, maxChars),
    occurred_at: time(v.occurred_at),
    kind: v.kind === undefined || v.kind === null ? v.kind : member(v.kind, SIGNAL_KINDS),
    source: optionalText(v.source, maxChars),
    session_id: optionalText(v.session_id, MAX_ID_CHARS),
    sent_at: optionalTime(v.sent_at),
    properties,
    computed_at: optionalTime(v.computed_at),
  }) as Data<'signals'> | undefined;
}

function firings(v: Row, maxChars: number): Data<'firings'> | undefined {
  const version = v.trigger_version;
  const versionOk =
    version === undefined ||
    version === null ||
    (typeof version === 'number' &&
      Number.isInteger(version) &&
      version >= 1 &&
      version <= UINT32_MAX);
  if (!versionOk) {
    return undefined;
  }
  return collect({
    firing_id: requiredText(v.firing_id, MAX_ID_CHARS),
    trigger_id: requiredText(v.trigger_id, MAX_ID_CHARS),
    person_id: requiredText(v.person_id, MAX_ID_CHARS),
    decided_at: time(v.decided_at),
    arm: member(v.arm, ARMS),
    trigger_version: version,
    signal_event_id: optionalText(v.signal_event_id, MAX_ID_CHARS),
    signal_at: optionalTime(v.signal_at),
    dispatched_at: optionalTime(v.dispatched_at),
    channel: optionalText(v.channel, maxChars),
    surface: optionalText(v.surface, maxChars),
    variant: optionalText(v.variant, maxChars),
    skip_reason: optionalText(v.skip_reason, maxChars),
  }) as Data<'firings'> | undefined;
}

function exposures(v: Row, maxChars: number): Data<'exposures'> | undefined {
  return collect({
    firing_id: requiredText(v.firing_id, MAX_ID_CHARS),
    type: member(v.type, EXPOSURE_TYPES),
    occurred_at: time(v.occurred_at),
    event_id: optionalText(v.event_id, MAX_ID_CHARS),
    rendered_variant: optionalText(v.rendered_variant, maxChars),
    machine: optionalBoolean(v.machine),
  }) as Data<'exposures'> | undefined;
}

function outcomes(v: Row, maxChars: number): Data<'outcomes'> | undefined {
  let value: Maybe<string | null | undefined> = v.value as null | undefined;
  if (value !== undefined && value !== null) {
    if (typeof value !== 'number' && typeof value !== 'string') {
      return undefined;
    }
    const result = decimalText(value);
    value = 'text' in result ? result.text : NO;
  }
  return collect({
    outcome_id: requiredText(v.outcome_id, MAX_ID_CHARS),
    person_id: requiredText(v.person_id, MAX_ID_CHARS),
    type: requiredText(v.type, maxChars),
    occurred_at: time(v.occurred_at),
    value,
    currency: optionalText(v.currency, maxChars),
    order_id: optionalText(v.order_id, MAX_ID_CHARS),
    refund_of_order_id: optionalText(v.refund_of_order_id, MAX_ID_CHARS),
    channel: optionalText(v.channel, maxChars),
    firing_id: optionalText(v.firing_id, MAX_ID_CHARS),
  }) as Data<'outcomes'> | undefined;
}

function consent(v: Row, maxChars: number): Data<'consent'> | undefined {
  if (typeof v.granted !== 'boolean') {
    return undefined;
  }
  return collect({
    person_id: requiredText(v.person_id, MAX_ID_CHARS),
    purpose: requiredText(v.purpose, maxChars),
    granted: v.granted,
    occurred_at: time(v.occurred_at),
    event_id: optionalText(v.event_id, MAX_ID_CHARS),
    source: optionalText(v.source, maxChars),
    recorded_at: optionalTime(v.recorded_at),
  }) as Data<'consent'> | undefined;
}

/**
 * The data zod would produce for a plain, valid row of the high-volume streams, or `undefined`
 * when the row needs zod (anything unusual, every invalid row, and trigger definitions).
 */
export const fastPath = {
  signals,
  firings,
  exposures,
  outcomes,
  consent,
} satisfies {
  [S in Exclude<keyof StreamSchemas, 'triggers'>]: (
    v: Row,
    maxChars: number,
  ) => Data<S> | undefined;
};
