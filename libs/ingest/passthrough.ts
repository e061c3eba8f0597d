// The common case of ingestion without building a row. When every value of a line is already in
// the form its column stores (ids and text as plain ASCII, event times as toISOString writes them,
// nothing to correct or clamp), ClickHouse's own JSON parser reads from the line exactly the row
// validateRow builds. Such a line is stored as it was sent, with the columns it lacks written in
// front of it: tenant, arrival time, content hash, and the defaults ClickHouse would fill in
// differently. Every other line gets `undefined` here and goes through validateRow, which words
// every refusal: this path only recognizes lines validateRow accepts, and gives them the same id
// and content hash (passthrough.spec.ts checks both, and what the engine stores).
//
// The line must also be the canonical JSON of what it parses to (JSON.stringify's text, in any key
// order): ClickHouse refuses a key written twice where JSON.parse keeps the last, and it reads an
// exponent (1e3) or a spaced-out `properties` object otherwise than validateRow. Serializing the
// value again to compare would cost what is saved, so the length decides: every key, plain string,
// true, false and null has one shortest form, the canonical one, and an escape, a space or a
// repeated key only adds characters. Only numbers can be written shorter than canonical, so each
// number field (and `properties`, which may hold numbers) must also be found in canonical form as a
// key and its value: a string cannot hold that text (its quotes are escaped), and an earlier copy of
// the key would add more characters than an exponent saves. A line of the canonical length is then
// the canonical text.
import {
  decimalText,
  isPlainObject,
  MAX_ID_CHARS,
  objectText,
  PROPERTIES_CHARS_FACTOR,
} from './fields.js';
import { columnOpenings, contentHashOfText, derivedId } from './hashing.js';
import { ARMS, EXPOSURE_TYPES, SIGNAL_KINDS } from './schemas.js';
import type { StreamName } from './streams.js';
import { FUTURE_TOLERANCE_MS, isUtcIsoMillis, parseTimestamp, storageTime } from './timestamps.js';
import type { StorageLine, ValidationContext } from './types.js';

/** Printable ASCII without `"` and `\`: JSON.stringify writes such a string between quotes. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
const UINT32_MAX = 4_294_967_295;
const COMMA = 0x2c;
const CLOSING_BRACE = 0x7d;

type Kind =
  | 'id'
  | 'text'
  | 'member'
  | 'time'
  | 'eventTime'
  | 'boolean'
  | 'version'
  | 'decimal'
  | 'properties'
  | 'null';

interface Field {
  kind: Kind;
  required: boolean;
  /** The stored value of the field when absent, as JSON (as the content hash writes it). */
  absent: string;
  /**
   * Whether `null` is taken as absent. Only where ClickHouse stores the same for null as for an
   * absent field (its column default); a line with a null `kind` or `properties` goes to validateRow.
   */
  nullable: boolean;
  /** Written in front of the line when absent: ClickHouse's own default differs. */
  written: boolean;
  /** For `member`: the accepted values. */
  values?: readonly string[];
}

const required = (kind: Kind, values?: readonly string[]): Field => ({
  kind,
  required: true,
  absent: '',
  nullable: false,
  written: false,
  values,
});
const optional = (kind: Kind, absent: string): Field => ({
  kind,
  required: false,
  absent,
  nullable: true,
  written: false,
});
const defaulted = (kind: Kind, absent: string, values?: readonly string[]): Field => ({
  kind,
  required: false,
  absent,
  nullable: false,
  written: true,
  values,
});

/** How the lines of one stream pass: their fields, id and content-hash columns. */
interface Layout {
  /** The field that holds the row's id. */
  idField: string;
  /** The id of a row without one (see validate-row.ts), from the line and its event time. */
  deriveId?: (line: Record<string, unknown>, occurredAtMs: number) => string;
  names: string[];
  fields: Field[];
  index: Map<string, number>;
  requiredCount: number;
  /** The table's hashed columns in sorted order: a field's index, or -1 for tenant_id. */
  hashed: number[];
  openings: string[];
  /** Per line: the JSON of each field's stored value, undefined while absent. */
  found: (string | undefined)[];
}

function streamLayout(
  idField: string,
  spec: Record<string, Field>,
  deriveId?: Layout['deriveId'],
): Layout {
  const names = Object.keys(spec);
  const columns = [...names, 'tenant_id'].sort();
  return {
    idField,
    deriveId,
    names,
    fields: names.map((name) => spec[name]),
    index: new Map(names.map((name, i) => [name, i])),
    requiredCount: names.filter((name) => spec[name].required).length,
    hashed: columns.map((column) => names.indexOf(column)),
    openings: columnOpenings(columns),
    found: names.map(() => undefined),
  };
}

const EMPTY_TEXT = '""';
const TIME_ABSENT = 'null';

// The fields of DESIGN §2 per stream; the stored values of absent ones are those of validate-row.ts.
const layouts: Record<Exclude<StreamName, 'triggers'>, Layout> = {
  signals: streamLayout('event_id', {
    event_id: required('id'),
    person_id: required('id'),
    type: required('text'),
    occurred_at: required('eventTime'),
    kind: defaulted('member', '"behavioral"', SIGNAL_KINDS),
    source: optional('text', EMPTY_TEXT),
    session_id: optional('id', EMPTY_TEXT),
    // A signal with sent_at has its time corrected: validateRow's work.
    sent_at: optional('null', TIME_ABSENT),
    properties: defaulted('properties', '"{}"'),
    computed_at: optional('time', TIME_ABSENT),
  }),
  firings: streamLayout('firing_id', {
    firing_id: required('id'),
    trigger_id: required('id'),
    person_id: required('id'),
    decided_at: required('eventTime'),
    arm: required('member', ARMS),
    trigger_version: optional('version', '0'),
    signal_event_id: optional('id', EMPTY_TEXT),
    signal_at: optional('time', TIME_ABSENT),
    dispatched_at: optional('time', TIME_ABSENT),
    channel: optional('text', EMPTY_TEXT),
    surface: optional('text', EMPTY_TEXT),
    variant: optional('text', EMPTY_TEXT),
    skip_reason: optional('text', EMPTY_TEXT),
  }),
  exposures: streamLayout(
    'event_id',
    {
      firing_id: required('id'),
      type: required('member', EXPOSURE_TYPES),
      occurred_at: required('eventTime'),
      event_id: defaulted('id', ''),
      rendered_variant: optional('text', EMPTY_TEXT),
      machine: optional('boolean', 'false'),
    },
    (line, occurredAtMs) =>
      derivedId('exposures', [line.firing_id as string, line.type as string, occurredAtMs]),
  ),
  outcomes: streamLayout('outcome_id', {
    outcome_id: required('id'),
    person_id: required('id'),
    type: required('text'),
    occurred_at: required('eventTime'),
    value: optional('decimal', 'null'),
    currency: optional('text', EMPTY_TEXT),
    order_id: optional('id', EMPTY_TEXT),
    refund_of_order_id: optional('id', EMPTY_TEXT),
    channel: optional('text', EMPTY_TEXT),
    firing_id: optional('id', EMPTY_TEXT),
  }),
  consent: streamLayout(
    'event_id',
    {
      person_id: required('id'),
      purpose: required('text'),
      granted: required('boolean'),
      occurred_at: required('eventTime'),
      event_id: defaulted('id', ''),
      source: optional('text', EMPTY_TEXT),
      recorded_at: optional('time', TIME_ABSENT),
    },
    (line, occurredAtMs) =>
      derivedId('consent', [
        line.person_id as string,
        line.purpose as string,
        line.granted as boolean,
        occurredAtMs,
        (line.source as string | null | undefined) ?? '',
      ]),
  ),
};

/** Whether `"key":token` stands in the line as a key and its whole value. */
function hasToken(raw: string, key: string, token: string): boolean {
  const needle = `"${key}":${token}`;
  for (let at = raw.indexOf(needle); at !== -1; at = raw.indexOf(needle, at + 1)) {
    const next = raw.charCodeAt(at + needle.length);
    if (next === COMMA || next === CLOSING_BRACE) {
      return true;
    }
  }
  return false;
}

/** What a request adds to each of its lines, formatted once. */
interface Arrival {
  tenantId: string;
  receivedAt: number;
  tenantJson: string;
  receivedText: string;
  /** Event times after this (same form, so compared as text) are clamped: validateRow's work. */
  latestEventTime: string;
}

let lastArrival: Arrival | undefined;

function arrivalOf(ctx: ValidationContext): Arrival {
  if (lastArrival?.tenantId !== ctx.tenantId || lastArrival.receivedAt !== ctx.receivedAt) {
    lastArrival = {
      tenantId: ctx.tenantId,
      receivedAt: ctx.receivedAt,
      tenantJson: JSON.stringify(ctx.tenantId),
      receivedText: storageTime(ctx.receivedAt),
      latestEventTime: new Date(ctx.receivedAt + FUTURE_TOLERANCE_MS).toISOString(),
    };
  }
  return lastArrival;
}

/**
 * Writes the JSON of one field's stored value (a non-null value) into `found[i]` and answers the
 * length of the value's canonical text, or -1 when validateRow must decide.
 */
function storeValue(
  field: Field,
  key: string,
  value: unknown,
  raw: string,
  maxChars: number,
  arrival: Arrival,
  found: (string | undefined)[],
  i: number,
): number {
  switch (field.kind) {
    case 'id':
    case 'text': {
      const limit = field.kind === 'id' ? MAX_ID_CHARS : maxChars;
      if (typeof value !== 'string' || value.length > limit || !PLAIN.test(value)) {
        return -1;
      }
      // Blank required text is refused; an empty event_id means "derive one".
      if ((field.required && value.trim() === '') || (field.written && value === '')) {
        return -1;
      }
      found[i] = `"${value}"`;
      return value.length + 2;
    }
    case 'member':
      if (typeof value !== 'string' || !field.values!.includes(value)) {
        return -1;
      }
      found[i] = `"${value}"`;
      return value.length + 2;
    case 'time':
    case 'eventTime':
      if (
        typeof value !== 'string' ||
        !isUtcIsoMillis(value) ||
        (field.kind === 'eventTime' && value > arrival.latestEventTime)
      ) {
        return -1;
      }
      found[i] = `"${value.slice(0, 10)} ${value.slice(11, 23)}"`;
      return value.length + 2;
    case 'boolean':
      if (typeof value !== 'boolean') {
        return -1;
      }
      found[i] = value ? 'true' : 'false';
      return value ? 4 : 5;
    case 'version': {
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > UINT32_MAX) {
        return -1;
      }
      const token = String(value);
      if (!hasToken(raw, key, token)) {
        return -1;
      }
      found[i] = token;
      return token.length;
    }
    case 'decimal': {
      if (typeof value !== 'number') {
        return -1;
      }
      // The number as written must be the decimal stored: 19.99 is, 1.23456 (rounded) is not.
      const token = String(value);
      const decimal = decimalText(value);
      if (!('text' in decimal) || decimal.text !== token || !hasToken(raw, key, token)) {
        return -1;
      }
      found[i] = `"${token}"`;
      return token.length;
    }
    case 'properties': {
      if (!isPlainObject(value)) {
        return -1;
      }
      const result = objectText(value, PROPERTIES_CHARS_FACTOR * maxChars);
      if (!('text' in result) || !raw.includes(`"${key}":${result.text}`)) {
        return -1;
      }
      found[i] = JSON.stringify(result.text);
      return result.text.length;
    }
    case 'null':
      return -1;
  }
}

/**
 * The line of a high-volume stream as ClickHouse should store it, when the line as sent can be
 * (see above): its id, content hash and JSONEachRow text. `undefined` means validateRow decides.
 * Such lines are never clamped nor skew-corrected.
 */
export function passThrough(
  stream: StreamName,
  value: unknown,
  raw: string,
  ctx: ValidationContext,
): StorageLine | undefined {
  if (stream === 'triggers' || !isPlainObject(value)) {
    return undefined;
  }
  const shape = layouts[stream];
  const { fields, found, index } = shape;
  const arrival = arrivalOf(ctx);
  found.fill(undefined);
  let length = 1;
  let keys = 0;
  let requiredSeen = 0;
  for (const key in value) {
    const i = index.get(key);
    if (i === undefined) {
      return undefined;
    }
    const field = fields[i];
    const fieldValue = value[key];
    let size: number;
    if (fieldValue === null) {
      found[i] = field.absent;
      size = field.nullable ? 4 : -1;
    } else {
      size = storeValue(field, key, fieldValue, raw, ctx.limits.maxFieldChars, arrival, found, i);
    }
    if (size < 0) {
      return undefined;
    }
    length += key.length + 3 + size;
    keys++;
    if (field.required) {
      requiredSeen++;
    }
  }
  if (requiredSeen !== shape.requiredCount || length + keys !== raw.length) {
    return undefined;
  }

  let id = value[shape.idField] as string | undefined;
  let written = '';
  for (let i = 0; i < fields.length; i++) {
    if (found[i] === undefined && fields[i].written) {
      let json = fields[i].absent;
      if (shape.names[i] === shape.idField) {
        const occurredAt = parseTimestamp(value.occurred_at);
        id = shape.deriveId!(value, occurredAt.ok ? occurredAt.ms : Number.NaN);
        json = `"${id}"`;
      }
      found[i] = json;
      written += `"${shape.names[i]}":${json},`;
    }
  }

  let hashed = '[';
  for (let c = 0; c < shape.hashed.length; c++) {
    const i = shape.hashed[c];
    hashed += `${shape.openings[c]}${i === -1 ? arrival.tenantJson : (found[i] ?? fields[i].absent)}]`;
  }
  const contentHash = contentHashOfText(`${hashed}]`);
  return {
    id: id!,
    contentHash,
    text: `{"tenant_id":${arrival.tenantJson},"received_at":"${arrival.receivedText}","content_hash":${contentHash},${written}${raw.slice(1)}`,
  };
}
