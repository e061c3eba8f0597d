import { describe, expect, it } from '@jest/globals';
import { lastFullWeek } from './last-full-week.js';

const iso = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];

describe('lastFullWeek', () => {
  it('is the week that ended at the Monday midnight before the default Monday 06:00 run', () => {
    expect(iso(lastFullWeek(new Date('2026-11-30T06:00:00Z')))).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
  });

  it('counts a week as ended exactly at Monday 00:00', () => {
    expect(iso(lastFullWeek(new Date('2026-11-30T00:00:00Z')))).toEqual([
      '2026-11-23T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
    expect(iso(lastFullWeek(new Date('2026-11-29T23:59:59.999Z')))).toEqual([
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });

  it('gives the same week for any time from one Monday to the next', () => {
    for (const at of ['2026-12-07T00:00:00Z', '2026-12-10T12:00:00Z', '2026-12-13T23:59:59Z']) {
      expect(iso(lastFullWeek(new Date(at)))).toEqual([
        '2026-11-30T00:00:00.000Z',
        '2026-12-07T00:00:00.000Z',
      ]);
    }
  });

  it('crosses years', () => {
    expect(iso(lastFullWeek(new Date('2027-01-01T09:00:00Z')))).toEqual([
      '2026-12-21T00:00:00.000Z',
      '2026-12-28T00:00:00.000Z',
    ]);
  });
});
