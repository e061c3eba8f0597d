import { describe, expect, it } from '@jest/globals';
import { queryTime } from './period.js';

describe('queryTime: a time in a URL', () => {
  it('reads a time with its offset, Z or written %2B', () => {
    expect(queryTime('from', '2026-10-05T00:00:00Z')).toEqual(new Date('2026-10-05T00:00:00Z'));
    // ?from=2026-10-05T02:00:00%2B02:00 arrives with its "+"
    expect(queryTime('from', '2026-10-05T02:00:00+02:00')).toEqual(
      new Date('2026-10-05T00:00:00Z'),
    );
  });

  it('says that a "+" written as is in a URL arrived as a space', () => {
    // ?from=2026-10-05T02:00:00+02:00: the query string reads "+" as a space
    for (const [value, written] of [
      ['2026-10-05T02:00:00 02:00', '2026-10-05T02:00:00%2B02:00'],
      ['2026-10-05 02:00:00.000 0200', '2026-10-05 02:00:00.000%2B0200'],
    ]) {
      expect(queryTime('from', value)).toBe(
        `from ${JSON.stringify(value)} is not an ISO-8601 time: a "+" written as is in a URL ` +
          `arrives as a space; write it %2B (${written}) or give the time in UTC with Z, ` +
          'e.g. ?from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z',
      );
    }
  });

  it('refuses a time of day without an offset as before, naming why', () => {
    expect(queryTime('to', '2026-10-05 02:00')).toMatch(
      /^to "2026-10-05 02:00" is not an ISO-8601 time \(/,
    );
  });
});
