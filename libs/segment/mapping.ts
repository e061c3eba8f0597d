// A tenant's rule that turns a Segment track event into a row of a stream, and the row it makes:
// pure, no Nest, no I/O. The row is what a producer would send to POST /v1/ingest/{stream}; the
// ingest's own validation then decides whether it is kept.

import {
  DEVICE_CLOCK_EARLIEST_MS,
  MAX_TIME_MS,
  STREAM_DECLARATIONS,
  type FieldDeclaration,
  type StreamDeclaration,
  type StreamName,
} from '../ingest/index.js';
import { deviceClockOf, segmentEventTime } from './event-time.js';
import type { SegmentMessage } from './messages.js';
import { SegmentErrorCode, SegmentException } from './segment.exception.js';

/** The streams a track event may become: every stream but the trigger definitions. */
export const MAPPABLE_STREAMS = ['signals', 'firings', 'exposures', 'outcomes', 'consent'] as const;
export type MappableStream = (typeof MAPPABLE_STREAMS)[number];

/** A value a rule may fix a field to. */
export type FixedValue = string | number | boolean;

/** A rule as a tenant defines it (`defineEventMapping`), absent options left out. */
export interface EventMappingRule {
  /** The track event's name, exactly as sent (`"Order Completed"`). */
  event: string;
  stream: MappableStream;
  /** The row's `type`; default: the event name (for streams whose type is free text). */
  type?: string;
  /** Outcomes: the property holding `value` (default `revenue`, Segment's reserved property). */
  valueProperty?: string;
  /** Outcomes: the property holding `order_id` (default `order_id`, as Segment's e-commerce spec). */
  orderIdProperty?: string;
  /** Outcomes: the property holding `currency` (default `currency`, Segment's reserved property). */
  currencyProperty?: string;
  /** Any field of the stream from a property: `{ "firing_id": "campaign.firing" }`. */
  fieldProperties: Record<string, string>;
  /** Any field of the stream as a constant: `{ "purpose": "email", "granted": false }`. */
  fixedFields: Record<string, FixedValue>;
}

/** What a rule sets beyond the fields every mapped row gets, field by field. */
export interface MappingPlan {
  stream: MappableStream;
  fixed: Record<string, FixedValue>;
  /** Field → property path; a property the message lacks leaves the field as it was. */
  fromProperties: Record<string, string>;
}

const MAX_EVENT_CHARS = 1024;
const MAX_PATH_CHARS = 256;

/** The property paths an outcome reads unless the rule names others (Segment's own names). */
const OUTCOME_PROPERTIES = { value: 'revenue', order_id: 'order_id', currency: 'currency' };

function refuse(field: string, message: string): never {
  throw new SegmentException(SegmentErrorCode.InvalidMapping, `input.${field}: ${message}`);
}

/** The fields the endpoint itself fills and a rule may not set: the id, and the event time. */
function reservedFields(declaration: StreamDeclaration): string[] {
  return [declaration.key[0], declaration.eventTime, declaration.sentAt].filter(
    (f): f is string => f !== undefined,
  );
}

/** Whether a mapped row gets the field without the rule naming it. */
function filledByDefault(stream: MappableStream, name: string, field: FieldDeclaration): boolean {
  const declaration = STREAM_DECLARATIONS[stream];
  return (
    reservedFields(declaration).includes(name) ||
    name === 'person_id' ||
    (name === 'type' && field.type !== 'enum')
  );
}

function checkField(stream: MappableStream, input: string, name: string): FieldDeclaration {
  const declaration = STREAM_DECLARATIONS[stream];
  const field = (declaration.fields as Record<string, FieldDeclaration>)[name];
  if (field === undefined || !Object.hasOwn(declaration.fields, name)) {
    refuse(input, `the ${stream} stream has no field "${name}"`);
  }
  if (reservedFields(declaration).includes(name)) {
    refuse(
      input,
      `${stream}.${name} is set by the endpoint (the id is the messageId, the time is Segment's timestamp)`,
    );
  }
  return field;
}

function checkFixed(
  stream: MappableStream,
  input: string,
  name: string,
  value: unknown,
): FixedValue {
  const field = checkField(stream, input, name);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    refuse(input, 'a fixed value is a string, a number or a boolean');
  }
  if (field.values !== undefined && !field.values.includes(String(value))) {
    refuse(input, `${stream}.${name} is one of ${field.values.join(', ')}`);
  }
  return value;
}

function checkPath(input: string, path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '' || path.length > MAX_PATH_CHARS) {
    refuse(input, `a property name or dotted path of 1 to ${MAX_PATH_CHARS} characters`);
  }
  return path;
}

function objectInput(input: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) {
    return {};
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    refuse(input, 'expected a JSON object keyed by field name');
  }
  return value as Record<string, unknown>;
}

/** The input of defineEventMapping, as GraphQL hands it over (absent options null). */
export interface EventMappingInputValues {
  event: string;
  stream: StreamName;
  type?: string | null;
  valueProperty?: string | null;
  orderIdProperty?: string | null;
  currencyProperty?: string | null;
  fieldProperties?: unknown;
  fixedFields?: unknown;
}

function checkEvent(event: string): string {
  if (event.trim() === '' || event.length > MAX_EVENT_CHARS) {
    refuse('event', `the track event name, 1 to ${MAX_EVENT_CHARS} characters`);
  }
  return event;
}

function checkStream(stream: StreamName): MappableStream {
  if (!(MAPPABLE_STREAMS as readonly string[]).includes(stream)) {
    refuse('stream', `one of ${MAPPABLE_STREAMS.join(', ')} (trigger definitions are not events)`);
  }
  return stream as MappableStream;
}

/** The rule an input describes, checked against its stream's declaration; throws naming the field. */
export function checkRule(input: EventMappingInputValues): EventMappingRule {
  const stream = checkStream(input.stream);
  const rule: EventMappingRule = {
    event: checkEvent(input.event),
    stream,
    fieldProperties: {},
    fixedFields: {},
  };
  for (const [name, path] of Object.entries(
    objectInput('fieldProperties', input.fieldProperties),
  )) {
    checkField(stream, `fieldProperties.${name}`, name);
    rule.fieldProperties[name] = checkPath(`fieldProperties.${name}`, path);
  }
  for (const [name, value] of Object.entries(objectInput('fixedFields', input.fixedFields))) {
    rule.fixedFields[name] = checkFixed(stream, `fixedFields.${name}`, name, value);
  }
  if (input.type !== undefined && input.type !== null) {
    checkFixed(stream, 'type', 'type', input.type);
    rule.type = input.type;
  }
  const shortcuts = [
    ['valueProperty', 'value', input.valueProperty],
    ['orderIdProperty', 'order_id', input.orderIdProperty],
    ['currencyProperty', 'currency', input.currencyProperty],
  ] as const;
  for (const [option, field, path] of shortcuts) {
    if (path !== undefined && path !== null) {
      checkField(stream, option, field);
      rule[option] = checkPath(option, path);
    }
  }
  planOf(rule);
  return rule;
}

/**
 * What a rule sets, with its shortcuts (type, valueProperty, ...) as the fields they stand for.
 * Throws when two options set one field, or a required field is left without a source.
 */
export function planOf(rule: EventMappingRule): MappingPlan {
  const fixed = { ...rule.fixedFields };
  const fromProperties = { ...rule.fieldProperties };
  const set = (target: Record<string, unknown>, field: string, value: unknown, option: string) => {
    if (Object.hasOwn(fixed, field) || Object.hasOwn(fromProperties, field)) {
      refuse(option, `sets ${rule.stream}.${field}, which another option of the rule sets too`);
    }
    target[field] = value;
  };
  if (rule.type !== undefined) {
    set(fixed, 'type', rule.type, 'type');
  }
  if (rule.valueProperty !== undefined) {
    set(fromProperties, 'value', rule.valueProperty, 'valueProperty');
  }
  if (rule.orderIdProperty !== undefined) {
    set(fromProperties, 'order_id', rule.orderIdProperty, 'orderIdProperty');
  }
  if (rule.currencyProperty !== undefined) {
    set(fromProperties, 'currency', rule.currencyProperty, 'currencyProperty');
  }
  if (rule.stream === 'outcomes') {
    for (const [field, path] of Object.entries(OUTCOME_PROPERTIES)) {
      if (!Object.hasOwn(fixed, field) && !Object.hasOwn(fromProperties, field)) {
        fromProperties[field] = path;
      }
    }
  }
  const fields = STREAM_DECLARATIONS[rule.stream].fields as Record<string, FieldDeclaration>;
  for (const [name, field] of Object.entries(fields)) {
    const covered =
      filledByDefault(rule.stream, name, field) ||
      Object.hasOwn(fixed, name) ||
      Object.hasOwn(fromProperties, name);
    if (field.required && !covered) {
      refuse(
        'fieldProperties',
        `the ${rule.stream} stream needs ${name}: name the property that carries it (fieldProperties) or give it (fixedFields)`,
      );
    }
  }
  return { stream: rule.stream, fixed, fromProperties };
}

/**
 * A property of a message by name, or, when no property has that name, by dotted path into
 * nested objects and arrays (`shipping.method`, `products.0.sku`). Undefined when absent.
 */
export function propertyAt(properties: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(properties, path)) {
    return properties[path];
  }
  let value: unknown = properties;
  for (const step of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, step)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A number read into an id or text field is taken as its text (an order id sent as 1042). */
function asField(field: FieldDeclaration | undefined, value: unknown): unknown {
  return typeof value === 'number' && (field?.type === 'id' || field?.type === 'text')
    ? String(value)
    : value;
}

/**
 * The row a track message becomes under a rule, as a producer would send it to the stream:
 *
 * - the stream's id (event_id, outcome_id, firing_id) is the messageId, so a replayed message
 *   collapses onto its first copy in the stream's table, in this request or any later one;
 * - `person_id` is the userId, else the anonymousId;
 * - the event time is Segment's (see segmentEventTime). A stream that corrects skew itself
 *   (signals' `sent_at`) is handed the device's times and corrects them by the same rule, so its
 *   rows are flagged `skew_corrected` as an NDJSON signal would be, a clock reset to 1970
 *   included (the streams read a device's times from 1970 on); a stream without that correction
 *   is handed the time corrected here;
 * - `type` is the event name, `properties` the message's properties (for signals), `source`
 *   `segment`; then the rule's fixed fields, then its fields read from properties.
 */
export function mappedRow(
  message: SegmentMessage,
  plan: MappingPlan,
  receivedAt: number,
): Record<string, unknown> {
  const declaration: StreamDeclaration = STREAM_DECLARATIONS[plan.stream];
  const fields = declaration.fields;
  const row: Record<string, unknown> = { [declaration.key[0]]: message.messageId };
  if (Object.hasOwn(fields, 'person_id')) {
    row.person_id = message.personId;
  }
  const device = deviceClockOf(message.clock);
  // the years a stream reads a device's times in (a clock reset to 1970 included)
  const deviceYears = (ms: number) => ms >= DEVICE_CLOCK_EARLIEST_MS && ms <= MAX_TIME_MS;
  if (
    declaration.sentAt !== undefined &&
    device !== undefined &&
    deviceYears(device.deviceAt) &&
    deviceYears(device.sentAt)
  ) {
    row[declaration.eventTime!] = iso(device.deviceAt);
    row[declaration.sentAt] = iso(device.sentAt);
  } else {
    row[declaration.eventTime!] = iso(segmentEventTime(message.clock, receivedAt));
  }
  // A replayed message says when it reached Segment: the stream's own correction and freshness
  // read that arrival (signals' collected_at).
  if (declaration.collectedAt !== undefined && message.clock.receivedAt !== undefined) {
    row[declaration.collectedAt] = iso(message.clock.receivedAt);
  }
  if (Object.hasOwn(fields, 'type') && fields.type.type !== 'enum') {
    row.type = message.event;
  }
  if (fields.properties?.type === 'json') {
    row.properties = message.properties;
  }
  if (Object.hasOwn(fields, 'source')) {
    row.source = 'segment';
  }
  Object.assign(row, plan.fixed);
  for (const [name, path] of Object.entries(plan.fromProperties)) {
    const value = propertyAt(message.properties, path);
    if (value !== undefined) {
      row[name] = asField(fields[name], value);
    }
  }
  return row;
}
