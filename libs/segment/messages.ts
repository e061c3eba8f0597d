// Reading the bodies of Segment's HTTP Tracking API (the spec RudderStack and Jitsu also speak):
// pure, no Nest, no I/O. A body is read whole before anything is stored, and refused whole,
// naming every bad field and its batch item, when any message is not a Segment message.

import { createHash } from 'node:crypto';
import {
  emptyArrayAsObject,
  inexactNumber,
  IngestLimitError,
  parseDeviceTimestamp,
  parseTimestamp,
  pipelineArrival,
} from '../ingest/index.js';

/** The message types of Segment's spec; only `track` is mapped to a stream, the rest are kept. */
export const MESSAGE_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The calls of the endpoint, `POST /v1/segment/{call}`: one per message type, and batch. */
export const SEGMENT_CALLS = [...MESSAGE_TYPES, 'batch'] as const;
export type SegmentCall = (typeof SEGMENT_CALLS)[number];

/** What each message's clock said, in epoch milliseconds; absent when the message did not say. */
export interface MessageClock {
  timestamp?: number;
  originalTimestamp?: number;
  sentAt?: number;
  /**
   * Segment's own `receivedAt`, which a message carries only when it is replayed from Segment's
   * archive or a warehouse: it arrived at Segment then, not here now.
   */
  receivedAt?: number;
}

/** One message of a body, checked. */
export interface SegmentMessage {
  /** Its position in `batch` (0 for a single call). */
  index: number;
  type: MessageType;
  /** The message's `messageId`, or one derived from its JSON (delivery fields left out). */
  messageId: string;
  /** For track: the event name; for page and screen: the `name`, or ''; otherwise ''. */
  event: string;
  /** `userId`, else `anonymousId`. */
  personId: string;
  /** Which of the two `personId` is. */
  personField: 'userId' | 'anonymousId';
  /**
   * The other persons the message names: the `anonymousId` beside a `userId`, and an alias's
   * `previousId` (the identity merged into this one). A message naming an erased person so is
   * refused as theirs.
   */
  namedBeside: readonly NamedBeside[];
  /** Track, page and screen `properties`; identify and group `traits`; else {}. */
  properties: Record<string, unknown>;
  clock: MessageClock;
  /** The message's JSON as sent (for a batch item, the item alone). */
  raw: string;
}

/** A person a message names besides its own, and the field that names them. */
export interface NamedBeside {
  field: 'anonymousId' | 'previousId';
  id: string;
}

/** Why a body is refused: the field's path (`batch[2].event`) and what is wrong with it. */
export interface BodyProblem {
  path: string;
  message: string;
}

export interface ReadOptions {
  /** Most messages a batch may carry (INGEST_MAX_ROWS). */
  maxMessages: number;
  /** Longest event name (INGEST_MAX_FIELD_CHARS: the name becomes a stream's `type`). */
  maxFieldChars: number;
  /** When the call arrived (server clock, epoch ms): the time of a message that states none. */
  receivedAt: number;
}

const MAX_ID_CHARS = 256;
const PRINTABLE = /^[^\p{Cc}]+$/u;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON null counts as absent, as Segment's libraries send `"anonymousId": null`. */
function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * Segment's own documentation writes a batch timestamp as `2015-2-02T00:30:08.276Z`: a month or
 * day of one digit is read as if zero-padded. Anything else goes to the ingest timestamp reader.
 */
function padDate(text: string): string {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})([Tt ].*)$/.exec(text);
  if (match === null) {
    return text;
  }
  const [, year, month, day, rest] = match;
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}${rest}`;
}

/**
 * A time as Segment writes it, or undefined (absent, or refused through `refuse`). A device's
 * time (`device`) is read from 1970 on: the skew correction moves it, and only where it lands is
 * held to the stored years (see parseDeviceTimestamp).
 */
function readTime(
  value: unknown,
  refuse: (message: string) => void,
  device = false,
): number | undefined {
  if (!present(value)) {
    return undefined;
  }
  const text = typeof value === 'string' ? padDate(value) : value;
  const parsed = device ? parseDeviceTimestamp(text) : parseTimestamp(text);
  if (!parsed.ok) {
    refuse(parsed.message);
    return undefined;
  }
  return parsed.ms;
}

/** A kept message's own `receivedAt` (see {@link MessageClock.receivedAt}), read as on arrival. */
export function replayedReceivedAt(sent: Readonly<Record<string, unknown>>): number | undefined {
  return readTime(sent.receivedAt, () => undefined);
}

/** A message's readings, with the problems found on the way. */
class ItemReader {
  readonly problems: BodyProblem[] = [];

  constructor(
    private readonly item: Json,
    private readonly prefix: string,
  ) {}

  problem(field: string, message: string): void {
    this.problems.push({ path: `${this.prefix}${field}`, message });
  }

  /** An id (userId, anonymousId, messageId): a string or a safe integer, '' as absent. */
  id(field: string): string | undefined {
    const value = this.item[field];
    if (!present(value) || value === '') {
      return undefined;
    }
    let text: string;
    if (typeof value === 'string') {
      text = value;
    } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
      text = String(value);
    } else if (typeof value === 'number') {
      // JSON.parse has already rounded 9007199254740993 to 9007199254740992: two messages
      // would count as one, two persons merge. Only a safe integer is the number that was sent.
      this.problem(
        field,
        `a number as id must be a whole number within ±${Number.MAX_SAFE_INTEGER} (2^53 − 1), which JSON carries exactly; this one reads as ${String(value)}: send it as a string`,
      );
      return undefined;
    } else {
      this.problem(field, 'expected a string');
      return undefined;
    }
    if (text.length > MAX_ID_CHARS || !PRINTABLE.test(text)) {
      this.problem(field, `expected at most ${MAX_ID_CHARS} printable characters`);
      return undefined;
    }
    return text;
  }

  /** Whether the message carries the field (not null, not ''). */
  has(field: string): boolean {
    return present(this.item[field]) && this.item[field] !== '';
  }

  /** A JSON object, or {} when absent; `[]` is analytics-php's empty map (json_encode). */
  object(field: string): Json {
    const value = emptyArrayAsObject(this.item[field]);
    if (!present(value)) {
      return {};
    }
    if (!isObject(value)) {
      this.problem(field, 'expected a JSON object');
      return {};
    }
    return value;
  }

  /**
   * Refuses a number JSON.parse did not keep as sent (see inexactNumber) in an object that is
   * stored (the properties a row gets, the message kept as sent), naming its path.
   */
  exactNumbers(field: string, value: Json): void {
    const inexact = inexactNumber(value);
    if (inexact !== undefined) {
      this.problem([field, ...inexact.path].join('.'), inexact.message);
    }
  }

  time(field: keyof MessageClock): number | undefined {
    return readTime(
      this.item[field],
      (message) => this.problem(field, message),
      field !== 'receivedAt',
    );
  }

  text(field: string, maxChars: number): string | undefined {
    const value = this.item[field];
    if (!present(value)) {
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problem(field, 'expected a string');
      return undefined;
    }
    if (value.length > maxChars) {
      this.problem(field, `longer than ${maxChars} characters`);
      return undefined;
    }
    return value;
  }
}

/** The envelope around a batch's messages that each of them inherits. */
interface BatchDefaults {
  sentAt?: number;
}

/** The type a message declares, checked against the call that carried it. */
function typeOf(reader: ItemReader, item: Json, call: SegmentCall): MessageType | undefined {
  const declared = item.type;
  if (call !== 'batch') {
    if (present(declared) && declared !== call) {
      reader.problem('type', `a ${call} call carries "type": "${call}" or none`);
      return undefined;
    }
    return call;
  }
  if (!present(declared)) {
    reader.problem('type', `required in a batch item (one of ${MESSAGE_TYPES.join(', ')})`);
    return undefined;
  }
  if (!MESSAGE_TYPES.includes(declared as MessageType)) {
    reader.problem('type', `"${String(declared)}" is not one of ${MESSAGE_TYPES.join(', ')}`);
    return undefined;
  }
  return declared as MessageType;
}

/** The name a message goes by: track's `event` (required), page's and screen's `name`. */
function eventOf(reader: ItemReader, type: MessageType, maxChars: number): string | undefined {
  switch (type) {
    case 'track': {
      if (!reader.has('event')) {
        reader.problem(
          'event',
          'required for a track call (the event name, e.g. "Order Completed")',
        );
        return undefined;
      }
      const event = reader.text('event', maxChars);
      if (event !== undefined && event.trim() === '') {
        reader.problem('event', 'must not be blank');
        return undefined;
      }
      return event;
    }
    case 'page':
    case 'screen':
      return reader.text('name', maxChars) ?? '';
    case 'identify':
    case 'group':
    case 'alias':
      return '';
  }
}

/**
 * The fields of a message that say how one copy of it was delivered, not what it says: a library
 * stamps `sentAt` on each attempt, Segment its `receivedAt` (in a replay), analytics.js its
 * `_metadata` (which integrations were bundled). A retry changes them.
 */
const DELIVERY_FIELDS: readonly string[] = ['sentAt', 'receivedAt', '_metadata'];

/**
 * A stable id for a message sent without `messageId`, from its JSON without the delivery fields:
 * every copy of the message gives the same id. A message that states no time of its own happened
 * when it arrived (`arrivedAt`), which is then part of what it says: the same call sent on two
 * days is two events, not a copy of one.
 */
function derivedMessageId(item: Json, arrivedAt: number | undefined): string {
  const content = Object.fromEntries(
    Object.entries(item).filter(([field]) => !DELIVERY_FIELDS.includes(field)),
  );
  const hash = createHash('sha256')
    .update(JSON.stringify(arrivedAt === undefined ? content : [content, arrivedAt]))
    .digest('hex');
  return `derived-${hash.slice(0, 32)}`;
}

/**
 * The persons `item` names besides its own: `anonymousBeside` (an anonymousId beside a userId),
 * and its `previousId` as a string or a safe integer, as ids are read. A previousId is only
 * compared with the erased persons: one that is not a valid id names no one, and is no problem.
 */
function namedBeside(item: Json, anonymousBeside: string | undefined): NamedBeside[] {
  const named: NamedBeside[] = [];
  if (anonymousBeside !== undefined) {
    named.push({ field: 'anonymousId', id: anonymousBeside });
  }
  const previous = item.previousId;
  if (typeof previous === 'string' && previous !== '') {
    named.push({ field: 'previousId', id: previous });
  } else if (typeof previous === 'number' && Number.isSafeInteger(previous)) {
    named.push({ field: 'previousId', id: String(previous) });
  }
  return named;
}

function readMessage(
  item: unknown,
  index: number,
  call: SegmentCall,
  defaults: BatchDefaults,
  options: ReadOptions,
): SegmentMessage | BodyProblem[] {
  const prefix = call === 'batch' ? `batch[${index}].` : '';
  if (!isObject(item)) {
    return [
      { path: call === 'batch' ? `batch[${index}]` : '(body)', message: 'expected a JSON object' },
    ];
  }
  const reader = new ItemReader(item, prefix);
  const type = typeOf(reader, item, call);
  const event = type === undefined ? undefined : eventOf(reader, type, options.maxFieldChars);
  const userId = reader.id('userId');
  const anonymousId = reader.id('anonymousId');
  if (!reader.has('userId') && !reader.has('anonymousId')) {
    reader.problem('userId', 'a userId or an anonymousId is required');
  }
  const messageId = reader.id('messageId');
  const propertiesField = type === 'identify' || type === 'group' ? 'traits' : 'properties';
  const properties = reader.object(propertiesField);
  reader.exactNumbers(propertiesField, properties);
  reader.object('context');
  const clock: MessageClock = {
    timestamp: reader.time('timestamp'),
    originalTimestamp: reader.time('originalTimestamp'),
    sentAt: reader.time('sentAt') ?? defaults.sentAt,
    receivedAt: reader.time('receivedAt'),
  };
  const personId = userId ?? anonymousId;
  if (reader.problems.length > 0 || type === undefined || event === undefined || !personId) {
    return reader.problems;
  }
  const raw = JSON.stringify(item);
  return {
    index,
    type,
    messageId:
      messageId ??
      derivedMessageId(
        item,
        clock.timestamp === undefined && clock.originalTimestamp === undefined
          ? pipelineArrival(clock.receivedAt, options.receivedAt)
          : undefined,
      ),
    event,
    personId,
    personField: userId === undefined ? 'anonymousId' : 'userId',
    namedBeside: namedBeside(item, userId === undefined ? undefined : anonymousId),
    properties,
    clock,
    raw,
  };
}

/** The messages of a body: the body itself for track and identify, its `batch` for batch. */
function itemsOf(
  call: SegmentCall,
  body: unknown,
): { items: unknown[]; defaults: BatchDefaults } | BodyProblem[] {
  if (call !== 'batch') {
    return { items: [body], defaults: {} };
  }
  if (!isObject(body)) {
    return [{ path: '(body)', message: 'expected a JSON object with a "batch" array' }];
  }
  if (!Array.isArray(body.batch)) {
    return [{ path: 'batch', message: 'required: an array of messages' }];
  }
  const problems: BodyProblem[] = [];
  const sentAt = readTime(
    body.sentAt,
    (message) => problems.push({ path: 'sentAt', message }),
    true,
  );
  return problems.length > 0 ? problems : { items: body.batch, defaults: { sentAt } };
}

/**
 * Reads a Segment call's parsed JSON body into its messages, or every problem found.
 *
 * - A message needs a `userId` or an `anonymousId` (strings; a safe integer is read as its
 *   text, any other number refused: JSON.parse has already rounded it);
 *   a track call needs its `event`; a batch item needs a `type` Segment defines.
 * - `timestamp`, `originalTimestamp` and `sentAt` are ISO-8601 with an offset (or epoch
 *   milliseconds); a batch's own `sentAt` stands for the items that carry none.
 * - `properties`, `traits` and `context` are JSON objects when present; JSON null is absent,
 *   and `[]` is the empty object (PHP's json_encode writes an empty map so).
 * - Other fields (`context`, `integrations`, `writeKey`, ...) are neither checked nor used; they
 *   stay in the JSON kept for unmapped messages.
 *
 * @throws IngestLimitError when a batch carries more than `maxMessages` messages.
 */
export function readSegmentBody(
  call: SegmentCall,
  body: unknown,
  options: ReadOptions,
): { messages: SegmentMessage[] } | { problems: BodyProblem[] } {
  const found = itemsOf(call, body);
  if (Array.isArray(found)) {
    return { problems: found };
  }
  if (found.items.length > options.maxMessages) {
    throw new IngestLimitError('rows', options.maxMessages);
  }
  const messages: SegmentMessage[] = [];
  const problems: BodyProblem[] = [];
  found.items.forEach((item, index) => {
    const read = readMessage(item, index, call, found.defaults, options);
    if (Array.isArray(read)) {
      problems.push(...read);
    } else {
      messages.push(read);
    }
  });
  return problems.length > 0 ? { problems } : { messages };
}

// Fatal: a byte that is not UTF-8 would otherwise become U+FFFD in what is kept, unannounced.
// A byte-order mark at the start (as Windows tools write it) is read past, as NDJSON's and CSV's.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A body's JSON from its bytes (UTF-8), or why it is refused; nothing of it is stored then. */
export function bodyJson(bytes: Uint8Array): { body: unknown } | { problem: string } {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { problem: 'the body is not valid UTF-8 (JSON is sent as UTF-8); nothing was stored' };
  }
  try {
    return { body: JSON.parse(text) as unknown };
  } catch (error) {
    return { problem: `the body is not JSON (${(error as Error).message}); nothing was stored` };
  }
}
