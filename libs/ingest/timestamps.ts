// Event-time parsing and the two corrections of docs/design.md §5 (clock skew, future clamp). Internal:
// the public surface is validateRow; these are exported for the schemas and the tests.

/** The message for a value that is neither an ISO-8601 text nor epoch milliseconds. */
export const EXPECTED_TIMESTAMP =
  'expected an ISO-8601 timestamp with offset or epoch milliseconds';

/** Earliest accepted instant: 2000-01-01T00:00:00.000Z. */
export const MIN_TIME_MS = Date.UTC(2000, 0, 1);
/** Latest accepted instant: 2100-12-31T23:59:59.999Z. */
export const MAX_TIME_MS = Date.UTC(2101, 0, 1) - 1;
const OUT_OF_RANGE = 'year must be between 2000 and 2100 (UTC)';

/** How far ahead of the server clock an event time may be before it is clamped (docs/design.md §5). */
export const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

// RFC 3339 / ISO-8601 extended format. Seconds and the fraction are optional; the offset is
// captured as optional only so that a missing one gets its own message instead of the generic one.
const DATE_TIME = String.raw`^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?`;
const OFFSET = String.raw`[+-]\d{2}(?::?\d{2})?`;
const ISO_8601 = new RegExp(`${DATE_TIME}([Zz]|${OFFSET})?$`);
// The same time as warehouses write it: one space before the offset (Snowflake's TIMESTAMP_TZ,
// Ruby's Time#to_s, PostgreSQL-like text), or ` UTC` for `Z` (BigQuery's export). Tried only on
// text ISO_8601 refuses, so a time in ISO form costs what it did.
const SPACED_OFFSET = new RegExp(`${DATE_TIME} (UTC|${OFFSET})$`);
// Another zone name after the time (`GMT`, `CET`, `America/New_York`): refused with its own message.
const ZONE_NAME = new RegExp(`${DATE_TIME} ([A-Za-z][\\w/+-]+)$`);
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DIGITS = /^\d{1,16}$/;

/** Either epoch milliseconds or a message saying what is wrong. */
export type ParsedTime = { ok: true; ms: number } | { ok: false; message: string };

function fail(message: string): ParsedTime {
  return { ok: false, message };
}

/** Whether a number reads as an instant of the accepted years when taken as epoch seconds. */
function inSecondsRange(n: number): boolean {
  return n >= MIN_TIME_MS / 1000 && n <= MAX_TIME_MS / 1000;
}

function inRange(ms: number, earliest = MIN_TIME_MS): ParsedTime {
  if (ms >= earliest && ms <= MAX_TIME_MS) {
    return { ok: true, ms };
  }
  // 10-digit values are the commonest producer mistake: seconds sent where milliseconds belong.
  if (inSecondsRange(ms)) {
    return fail('looks like epoch seconds; expected epoch milliseconds');
  }
  return fail(OUT_OF_RANGE);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/** Why text that neither ISO_8601 nor SPACED_OFFSET reads is refused. */
function refusedFormMessage(text: string): string {
  if (DATE_ONLY.test(text)) {
    return 'a date without a time and UTC offset is ambiguous; send e.g. 2024-05-01T00:00:00Z';
  }
  const zone = ZONE_NAME.exec(text)?.[8];
  // A name such as CST stands for several offsets; only UTC is read.
  return zone === undefined
    ? EXPECTED_TIMESTAMP
    : `the time zone name ${zone} is not read; write Z, UTC or the offset (±hh:mm)`;
}

/**
 * Reads ISO-8601 text with `Z` or an offset (RFC 3339; the seconds and fraction optional) in the
 * years 2000–2100 UTC, also as warehouses write it: one space before the offset
 * (`2026-10-02 03:00:00.000 -0700`) or ` UTC` for `Z` (`2026-10-02 10:00:00.123456 UTC`). A naive
 * local time or a bare date is refused: each names a different instant in every time zone. So is a
 * zone name other than `UTC`.
 */
export function parseIsoTime(text: string, earliest = MIN_TIME_MS): ParsedTime {
  const m = ISO_8601.exec(text) ?? SPACED_OFFSET.exec(text);
  if (m === null) {
    return fail(refusedFormMessage(text));
  }
  const [, y, mo, d, h, mi, s = '0', fraction = '', offset] = m;
  if (offset === undefined) {
    // A naive local time means a different instant in every time zone: refuse rather than guess.
    return fail('timestamp has no UTC offset; add Z or ±hh:mm (naive local times are ambiguous)');
  }
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  // The range is the instant's (inRange, below): a local year one either side of it may still be
  // in range at UTC (1999-12-31T20:00:00-07:00 is 2000-01-01T03:00Z). Further out it is not, and
  // Date.UTC would read years 0–99 as 1900–1999.
  if (year < new Date(earliest).getUTCFullYear() - 1 || year > 2101) {
    return fail(OUT_OF_RANGE);
  }
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return fail('not a valid calendar date and time');
  }
  let offsetMinutes = 0;
  if (offset !== 'Z' && offset !== 'z' && offset !== 'UTC') {
    const digits = offset.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMins = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (offsetHours > 23 || offsetMins > 59) {
      return fail('not a valid UTC offset');
    }
    offsetMinutes = (offset.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  // Digits past the millisecond are truncated, as DateTime64(3) would.
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return inRange(utc, earliest);
}

/** The earliest device clock read: the epoch, where a clock that lost its time starts again. */
export const DEVICE_CLOCK_EARLIEST_MS = 0;

/**
 * Reads a time a device's clock stamped, which the skew correction is about to move (Segment's
 * `timestamp`, `originalTimestamp` and `sentAt`): as {@link parseTimestamp}, but ISO text from
 * 1970 on, since a device whose clock was reset to the epoch is the case the correction exists
 * for; only the corrected time need fall in 2000–2100. Epoch milliseconds keep the stored range:
 * there a 1970 value is far likelier epoch seconds sent for milliseconds.
 */
export function parseDeviceTimestamp(value: unknown): ParsedTime {
  return typeof value === 'string' && !DIGITS.test(value)
    ? parseIsoTime(value, DEVICE_CLOCK_EARLIEST_MS)
    : parseTimestamp(value);
}

/**
 * Reads a timestamp: ISO-8601 with `Z` or an offset, or epoch milliseconds as an integer number or
 * a digit string. The instant must fall in the years 2000–2100 UTC.
 */
export function parseTimestamp(value: unknown): ParsedTime {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      return fail(EXPECTED_TIMESTAMP);
    }
    if (!Number.isInteger(value)) {
      // Jackson writes an Instant as decimal epoch seconds (1790848800.123456789) by default:
      // "must be a whole number" would send its producer rounding seconds.
      return fail(
        inSecondsRange(value)
          ? 'looks like epoch seconds with a fraction (as Jackson writes an Instant); expected epoch milliseconds (a whole number) or an ISO-8601 timestamp with offset'
          : 'epoch milliseconds must be a whole number',
      );
    }
    return inRange(value);
  }
  if (typeof value === 'string') {
    return DIGITS.test(value) ? inRange(Number(value)) : parseIsoTime(value);
  }
  return fail(EXPECTED_TIMESTAMP);
}

/**
 * Moves a device-stamped event time onto the server clock (docs/design.md §5, Segment's and Snowplow's
 * rule): the device's own interval between the event and sending it is trusted, its absolute clock
 * is not. `occurred_at := received_at − (sent_at − occurred_at)`.
 */
export function correctSkew(occurredAt: number, sentAt: number, receivedAt: number): number {
  return receivedAt - (sentAt - occurredAt);
}

/**
 * When a row reached its producer's pipeline, for the skew correction and the freshness lag: the
 * `collected_at` it states, else the arrival here. A pipeline cannot have received a row after it
 * reached Causeway, so a stated time later than the arrival (the collector's clock ahead of ours)
 * stands for the arrival: the earlier of the two.
 */
export function pipelineArrival(
  collectedAt: number | null | undefined,
  receivedAt: number,
): number {
  return collectedAt === null || collectedAt === undefined
    ? receivedAt
    : Math.min(collectedAt, receivedAt);
}

/** An event time after the corrections, and whether it was clamped. */
export interface EventTime {
  ms: number;
  clamped: boolean;
}

/**
 * Clamps an event time more than {@link FUTURE_TOLERANCE_MS} after the server clock to the server
 * clock: a row from the future would otherwise sit outside every window until that date comes.
 */
export function clampFuture(ms: number, receivedAt: number): EventTime {
  return ms > receivedAt + FUTURE_TOLERANCE_MS
    ? { ms: receivedAt, clamped: true }
    : { ms, clamped: false };
}

const DAY_MS = 86_400_000;
// Rows of one request mostly fall on a few days: the date part is formatted once per day.
let cachedDay = { day: Number.NaN, text: '' };

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Epoch milliseconds as ClickHouse DateTime64(3) text, `YYYY-MM-DD hh:mm:ss.mmm` UTC: the same text
 * as storage's toClickHouseTime, without a Date and an ISO string per value.
 */
export function storageTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < MIN_TIME_MS || ms > MAX_TIME_MS) {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  const day = Math.floor(ms / DAY_MS);
  if (cachedDay.day !== day) {
    cachedDay = { day, text: `${new Date(day * DAY_MS).toISOString().slice(0, 10)} ` };
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const millis = rest - seconds * 1000;
  const milliText = millis < 10 ? `00${millis}` : millis < 100 ? `0${millis}` : String(millis);
  return `${cachedDay.text}${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(seconds)}.${milliText}`;
}

// The form JavaScript's toISOString writes, within the accepted years: what most producers send.
const UTC_ISO_MILLIS =
  /^(?:20\d\d|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

function digitsAt(text: string, index: number): number {
  return (text.charCodeAt(index) - 48) * 10 + text.charCodeAt(index + 1) - 48;
}

/**
 * Whether `text` is an accepted instant written exactly as `YYYY-MM-DDThh:mm:ss.mmmZ`. Such text
 * reads as the same instant in parseTimestamp and in ClickHouse, compares as its instant does, and
 * its storage text (see storageTime) is `YYYY-MM-DD hh:mm:ss.mmm`, cut out of it.
 */
export function isUtcIsoMillis(text: string): boolean {
  if (text.length !== 24 || !UTC_ISO_MILLIS.test(text)) {
    return false;
  }
  return isDayOfMonth(text);
}

/** Whether the day of `YYYY-MM-DD...` text (digits already checked) is in its month. */
function isDayOfMonth(text: string): boolean {
  const day = digitsAt(text, 8);
  return day <= 28 || day <= daysInMonth(Number(text.slice(0, 4)), digitsAt(text, 5));
}

// A UTC time with seconds as other languages write it: Python's isoformat (`+00:00`, microseconds
// unless zero), Go's RFC3339Nano (`Z`, the fraction without trailing zeros), within the accepted years.
const UTC_ISO_SECONDS =
  /^(?:20\d\d|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|\+00:00)$/;
const FULL_STOP = 0x2e;

/**
 * The storage text (see storageTime) of an accepted instant written
 * `YYYY-MM-DDThh:mm:ss[.fraction]` with `Z` or `+00:00`, cut out of it: the fraction to the
 * millisecond, later digits truncated as parseTimestamp truncates them. Undefined for any other
 * text, which parseTimestamp then reads.
 */
export function utcStorageText(text: string): string | undefined {
  if (text.length < 20 || text.length > 35 || !UTC_ISO_SECONDS.test(text) || !isDayOfMonth(text)) {
    return undefined;
  }
  const date = text.slice(0, 10);
  if (text.charCodeAt(19) !== FULL_STOP) {
    return `${date} ${text.slice(11, 19)}.000`;
  }
  const digits = text.length - (text.endsWith('Z') ? 21 : 26);
  return digits >= 3
    ? `${date} ${text.slice(11, 23)}`
    : `${date} ${text.slice(11, 20 + digits)}${digits === 1 ? '00' : '0'}`;
}
