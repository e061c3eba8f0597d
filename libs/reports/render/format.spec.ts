import { describe, expect, it } from '@jest/globals';
import {
  formatDuration,
  formatFixed,
  formatMoney,
  formatPercent,
  formatPeriod,
  formatPoints,
  formatSignedInteger,
  formatSignedMoney,
  formatSignedPercent,
} from './format.js';

describe('report formatting', () => {
  it('writes changes with their sign and a real minus', () => {
    expect(formatPoints(0.04999)).toBe('+5.00 pts');
    expect(formatPoints(-0.0315)).toBe('−3.15 pts');
    expect(formatPoints(0)).toBe('0.00 pts');
    expect(formatSignedPercent(0.4397)).toBe('+44.0%');
    expect(formatSignedPercent(-0.128)).toBe('−12.8%');
    expect(formatSignedInteger(1174.6)).toBe('+1,175');
    expect(formatSignedInteger(0)).toBe('0');
    expect(formatPercent(0.16366)).toBe('16.4%');
  });

  it('never prints a value that is not 0 as 0 or −0, nor across its sign', () => {
    // 0.00001 is 0.001 points: 0.00 at two decimals
    expect(formatPoints(0.00001)).toBe('+0.001 pts');
    expect(formatPoints(-0.00001)).toBe('−0.001 pts');
    // an interval of incremental conversions from 0.4 to 30: not "0 to +30"
    expect(formatSignedInteger(0.4)).toBe('+0.4');
    expect(formatSignedInteger(-0.4)).toBe('−0.4');
    expect(formatSignedMoney(-0.004)).toBe('−0.004');
    // a holdout of 0.4% asked for with no decimals
    expect(formatPercent(0.004, 0)).toBe('0.4%');
    expect(formatSignedPercent(0.00004)).toBe('+0.004%');
    expect(formatFixed(-0.04, 1)).toBe('−0.04');
  });

  it('never prints a value below a boundary on it or above it', () => {
    // a within-window rate of 89.96% against the 90% it is judged by
    expect(formatPercent(0.8996, 1, [0.9])).toBe('89.96%');
    expect(formatPercent(0.8996, 0, [0.9])).toBe('89.96%');
    expect(formatPercent(0.9, 1, [0.9])).toBe('90.0%');
    // a q-value of 0.0496 against α = 0.05
    expect(formatFixed(0.0496, 3, { boundaries: [0.05] })).toBe('0.0496');
    expect(formatFixed(0.0123, 3, { boundaries: [0.05] })).toBe('0.012');
  });

  it('keeps cents for small amounts only', () => {
    expect(formatMoney(13_520.4)).toBe('13,520');
    expect(formatMoney(42.1)).toBe('42.10');
    expect(formatMoney(-2554.5)).toBe('−2,555');
  });

  it('reads durations in the unit a person uses', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(186_000)).toBe('3.1 min');
    expect(formatDuration(9_000_000)).toBe('2.5 h');
    expect(formatDuration(172_800_000)).toBe('2 d');
    expect(formatDuration(63_040_111)).toBe('18 h');
    expect(formatDuration(5_400_000)).toBe('1.5 h');
  });

  it('keeps a duration apart from the window it is read against', () => {
    // 1.02 h = 3,672,000 ms past a 1 h window: "1 h" would read as within it
    expect(formatDuration(3_672_000)).toBe('1 h');
    expect(formatDuration(3_672_000, 3_600_000)).toBe('1.02 h');
    // 59.9 min = 3,594,000 ms, within the window: not "1 h" either
    expect(formatDuration(3_594_000, 3_600_000)).toBe('59.9 min');
    expect(formatDuration(3_597_000, 3_600_000)).toBe('59.95 min');
    // on the window, or far from it, as ever
    expect(formatDuration(3_600_000, 3_600_000)).toBe('1 h');
    expect(formatDuration(9_000_000, 3_600_000)).toBe('2.5 h');
    // 10.4 h against a 10 h window: "10 h" would read as on it; 12.4 h against it, whole hours
    expect(formatDuration(37_440_000, 36_000_000)).toBe('10.4 h');
    expect(formatDuration(44_640_000, 36_000_000)).toBe('12 h');
  });

  it('prints a half-open period as the days it covers', () => {
    expect(formatPeriod('2026-10-01T00:00:00Z', '2026-10-31T00:00:00Z')).toBe(
      '1 Oct – 30 Oct 2026',
    );
    expect(formatPeriod('2026-12-28T00:00:00Z', '2027-01-04T00:00:00Z')).toBe(
      '28 Dec 2026 – 3 Jan 2027',
    );
    expect(formatPeriod('2026-10-05T00:00:00Z', '2026-10-06T00:00:00Z')).toBe('5 Oct 2026');
    expect(formatPeriod('2026-10-05T06:00:00Z', '2026-10-06T00:00:00Z')).toBe(
      '5 Oct 2026, 06:00 UTC – 6 Oct 2026, 00:00 UTC',
    );
  });
});
