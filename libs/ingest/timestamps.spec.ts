import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  clampFuture,
  correctSkew,
  EXPECTED_TIMESTAMP,
  FUTURE_TOLERANCE_MS,
  MAX_TIME_MS,
  MIN_TIME_MS,
  parseDeviceTimestamp,
  parseTimestamp,
  utcStorageText,
} from './timestamps.js';
import {
  EPOCH_SECONDS,
  NO_OFFSET,
  NOT_A_DATE,
  NOT_AN_OFFSET,
  SECONDS_WITH_FRACTION,
  YEAR_RANGE,
  zoneNotRead,
} from './timestamps.testing.js';

const ok = (iso: string) => ({ ok: true, ms: Date.parse(iso) });
const fail = (message: string) => ({ ok: false, message });

describe('parseTimestamp', () => {
  it.each([
    ['2024-05-01T10:00:00Z', ok('2024-05-01T10:00:00.000Z')],
    ['2024-05-01t10:00:00z', ok('2024-05-01T10:00:00.000Z')],
    ['2024-05-01 10:00:00Z', ok('2024-05-01T10:00:00.000Z')],
    ['2024-05-01T10:00Z', ok('2024-05-01T10:00:00.000Z')],
    ['2024-05-01T12:00:00.250+02:00', ok('2024-05-01T10:00:00.250Z')],
    ['2024-05-01T15:30:00+0530', ok('2024-05-01T10:00:00.000Z')],
    ['2024-05-01T05:00:00-05', ok('2024-05-01T10:00:00.000Z')],
    ['2024-05-01T10:00:00,5Z', ok('2024-05-01T10:00:00.500Z')],
    // Digits past the millisecond are truncated, as DateTime64(3) does.
    ['2024-05-01T10:00:00.123999999Z', ok('2024-05-01T10:00:00.123Z')],
    ['2024-02-29T00:00:00Z', ok('2024-02-29T00:00:00.000Z')],
    ['2000-01-01T00:00:00Z', ok('2000-01-01T00:00:00.000Z')],
    ['2100-12-31T23:59:59.999Z', ok('2100-12-31T23:59:59.999Z')],
    [1714557600000, ok('2024-05-01T10:00:00.000Z')],
    ['1714557600000', ok('2024-05-01T10:00:00.000Z')],
    // As warehouses write times: BigQuery's export (` UTC` for Z, up to 6 fraction digits),
    ['2026-10-02 10:00:00.123456 UTC', ok('2026-10-02T10:00:00.123Z')],
    ['2026-10-02 10:00:00 UTC', ok('2026-10-02T10:00:00.000Z')],
    ['2026-10-02T10:00:00.5 UTC', ok('2026-10-02T10:00:00.500Z')],
    ['2026-10-02 10:00 UTC', ok('2026-10-02T10:00:00.000Z')],
    // Snowflake's TIMESTAMP_TZ, Ruby's Time#to_s, PostgreSQL-like text: a space before the offset.
    ['2026-10-02 03:00:00.000 -0700', ok('2026-10-02T10:00:00.000Z')],
    ['2026-10-02 03:00:00 +0200', ok('2026-10-02T01:00:00.000Z')],
    ['2026-10-02 03:00:00 +02:00', ok('2026-10-02T01:00:00.000Z')],
    ['2026-10-02 03:00:00.999999999 +02', ok('2026-10-02T01:00:00.999Z')],
    ['2026-10-02T15:30:00 +0530', ok('2026-10-02T10:00:00.000Z')],
    ['2026-01-01 01:00:00 +0200', ok('2025-12-31T23:00:00.000Z')],
    // the year is the instant's at UTC, not the one written before the offset
    ['2101-01-01T00:30:00+01:00', ok('2100-12-31T23:30:00.000Z')],
    ['1999-12-31T20:00:00-07:00', ok('2000-01-01T03:00:00.000Z')],
  ])('reads %j', (input, expected) => {
    expect(parseTimestamp(input)).toEqual(expected);
  });

  /** What parseTimestamp refuses, each message with the inputs it is given for. */
  const refused: [message: string, inputs: unknown[]][] = [
    [
      NO_OFFSET,
      [
        '2024-05-01T10:00:00',
        '2024-05-01T10:00:00.123',
        // a warehouse's time without its zone
        '2026-10-02 10:00:00.123456',
      ],
    ],
    [
      'a date without a time and UTC offset is ambiguous; send e.g. 2024-05-01T00:00:00Z',
      ['2024-05-01'],
    ],
    [
      EXPECTED_TIMESTAMP,
      [
        'yesterday',
        '',
        ' 2024-05-01T10:00:00Z',
        'NaN',
        'Infinity',
        '-1714557600000',
        Number.NaN,
        Number.POSITIVE_INFINITY,
        true,
        {},
        // Nothing looser: one space, then an offset with its sign or the word UTC as written.
        '2026-10-02 10:00:00  UTC',
        '2026-10-02 10:00:00  +0200',
        '2026-10-02 10:00:00UTC',
        '2026-10-02 10:00:00 UTC ',
        '2026-10-02 10:00:00 Z',
        // `+` read from a URL query as a space leaves no sign: not an offset.
        '2026-10-02 10:00:00 02:00',
        '2026-10-02T10:00:00Z UTC',
        '2026-10-02T10:00:00+02:00 UTC',
        '2026-10-02 10:00:00 +0000 UTC',
        '2026-10-02 UTC',
      ],
    ],
    ['epoch milliseconds must be a whole number', [1714557600000.5]],
    // Jackson's default for an Instant: decimal epoch seconds, to the nanosecond.
    [SECONDS_WITH_FRACTION, [JSON.parse('1790848800.123456789') as number, 1714557600.5]],
    [EPOCH_SECONDS, [1714557600, '1714557600']],
    [
      YEAR_RANGE,
      [
        0,
        '1999-12-31T23:59:59.999Z',
        // 00:30 at +01:00 is still 1999 in UTC.
        '2000-01-01T00:30:00+01:00',
        '2101-01-01T00:00:00Z',
        '0099-12-31T23:59:59Z',
        Date.UTC(2101, 0, 1),
        '1999-12-31 23:59:59.999 UTC',
        '2000-01-01 00:30:00 +0100',
      ],
    ],
    [
      NOT_A_DATE,
      [
        '2023-02-29T00:00:00Z',
        '2024-13-01T00:00:00Z',
        '2024-05-01T24:00:00Z',
        '2024-05-01T10:60:00Z',
        '2024-05-01T10:00:60Z',
        '2026-02-30 10:00:00 UTC',
      ],
    ],
    [
      NOT_AN_OFFSET,
      ['2024-05-01T10:00:00+24:00', '2026-10-02 03:00:00 +2400', '2026-10-02 03:00:00 -07:60'],
    ],
    [zoneNotRead('utc'), ['2026-10-02 10:00:00 utc']],
    [zoneNotRead('GMT'), ['2026-10-02 10:00:00 GMT']],
    [zoneNotRead('America/Los_Angeles'), ['2026-10-02 03:00:00.000 America/Los_Angeles']],
  ];

  it.each(refused.flatMap(([message, inputs]) => inputs.map((input) => [input, message])))(
    'refuses %j',
    (input, message) => {
      expect(parseTimestamp(input)).toEqual(fail(message as string));
    },
  );
});

describe('parseDeviceTimestamp', () => {
  it('reads a device clock reset to the epoch, which the skew correction then moves', () => {
    expect(parseDeviceTimestamp('1970-01-01T00:05:00Z')).toEqual({ ok: true, ms: 300_000 });
    // the same instant written at New York's offset: 1969 locally
    expect(parseDeviceTimestamp('1969-12-31T19:05:00-05:00')).toEqual({ ok: true, ms: 300_000 });
    expect(parseDeviceTimestamp('1999-12-31T23:59:59.999Z')).toEqual(
      ok('1999-12-31T23:59:59.999Z'),
    );
    // stored times are still held to 2000–2100
    expect(parseTimestamp('1970-01-01T00:05:00Z')).toEqual(fail(YEAR_RANGE));
  });

  it('refuses before the epoch, after 2100, and epoch numbers outside the stored years', () => {
    expect(parseDeviceTimestamp('1969-12-31T23:59:59Z')).toEqual(fail(YEAR_RANGE));
    expect(parseDeviceTimestamp('2101-01-01T00:00:00Z')).toEqual(fail(YEAR_RANGE));
    // 300000 ms would be 1970, but a number that small is far likelier a mistake than a clock
    expect(parseDeviceTimestamp(300_000)).toEqual(parseTimestamp(300_000));
    expect(parseDeviceTimestamp('1790848800')).toEqual(fail(EPOCH_SECONDS));
    expect(parseDeviceTimestamp('1970-02-30T00:00:00Z')).toEqual(fail(NOT_A_DATE));
  });
});

describe('utcStorageText', () => {
  it.each([
    // Python's isoformat: microseconds unless zero.
    ['2026-10-23T09:35:59.594000+00:00', '2026-10-23 09:35:59.594'],
    ['2026-10-23T09:35:59+00:00', '2026-10-23 09:35:59.000'],
    // Go's RFC3339Nano: trailing zeros of the fraction left out.
    ['2026-10-23T09:35:59.5Z', '2026-10-23 09:35:59.500'],
    ['2026-10-23T09:35:59.59Z', '2026-10-23 09:35:59.590'],
    ['2026-10-23T09:35:59Z', '2026-10-23 09:35:59.000'],
    // Digits past the millisecond are truncated, as parseTimestamp truncates them.
    ['2024-05-01T10:00:00.123999999Z', '2024-05-01 10:00:00.123'],
    ['2024-02-29T23:59:59.999999+00:00', '2024-02-29 23:59:59.999'],
    ['2000-01-01T00:00:00+00:00', '2000-01-01 00:00:00.000'],
    ['2100-12-31T23:59:59.999999+00:00', '2100-12-31 23:59:59.999'],
  ])('cuts %j to %j', (text, expected) => {
    expect(utcStorageText(text)).toBe(expected);
  });

  it.each([
    '2023-02-29T00:00:00+00:00',
    '2024-04-31T00:00:00Z',
    '1999-12-31T23:59:59+00:00',
    '2101-01-01T00:00:00Z',
    '2024-05-01T24:00:00+00:00',
    '2024-05-01T10:60:00Z',
    // Forms parseTimestamp reads itself.
    '2024-05-01T10:00+00:00',
    '2024-05-01 10:00:00+00:00',
    '2024-05-01t10:00:00z',
    '2024-05-01T10:00:00,5Z',
    '2024-05-01T10:00:00.+00:00',
    '2024-05-01T10:00:00.1234567891Z',
    '2024-05-01T10:00:00-00:00',
    '2024-05-01T12:00:00+02:00',
    '2024-05-01T10:00:00+0000',
    '2024-05-01T10:00:00',
    '2024-05-01T10:00:00.000Z ',
    '2026-10-02 10:00:00.123456 UTC',
    '2026-10-02T10:00:00 +00:00',
  ])('leaves %j to parseTimestamp', (text) => {
    expect(utcStorageText(text)).toBeUndefined();
  });

  it("gives the instant the text names, as Date's ISO text writes it", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(MIN_TIME_MS), max: new Date(MAX_TIME_MS), noInvalidDate: true }),
        fc.nat(999),
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom('Z', '+00:00'),
        (date, micros, digits, offset) => {
          const iso = date.toISOString();
          const fraction = `${iso.slice(20, 23)}${String(micros).padStart(3, '0')}000`;
          const text = `${iso.slice(0, 19)}${digits === 0 ? '' : `.${fraction.slice(0, digits)}`}${offset}`;
          const ms = Number(fraction.slice(0, Math.min(digits, 3)).padEnd(3, '0'));
          const expected = new Date(Date.parse(`${iso.slice(0, 19)}Z`) + ms).toISOString();
          expect(utcStorageText(text)).toBe(`${expected.slice(0, 10)} ${expected.slice(11, 23)}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('clock-skew correction', () => {
  it('keeps the device interval and moves it onto the server clock', () => {
    // Device: event at 09:58:30, sent at 10:00:00 (90 s later). Server receives at 12:00:00.
    const occurred = Date.parse('2024-05-01T09:58:30.000Z');
    const sent = Date.parse('2024-05-01T10:00:00.000Z');
    const received = Date.parse('2024-05-01T12:00:00.000Z');
    expect(correctSkew(occurred, sent, received)).toBe(Date.parse('2024-05-01T11:58:30.000Z'));
    // 1_714_564_800_000 − (1_714_557_600_000 − 1_714_557_510_000) = 1_714_564_710_000
    expect(correctSkew(1_714_557_510_000, 1_714_557_600_000, 1_714_564_800_000)).toBe(
      1_714_564_710_000,
    );
  });
});

describe('clampFuture', () => {
  const received = Date.parse('2024-05-01T12:00:00.000Z');

  it('keeps times up to 24 h ahead', () => {
    expect(clampFuture(received + FUTURE_TOLERANCE_MS, received)).toEqual({
      ms: received + FUTURE_TOLERANCE_MS,
      clamped: false,
    });
    expect(clampFuture(received - 1, received)).toEqual({ ms: received - 1, clamped: false });
  });

  it('clamps times further ahead to the server clock', () => {
    expect(clampFuture(received + FUTURE_TOLERANCE_MS + 1, received)).toEqual({
      ms: received,
      clamped: true,
    });
  });
});
