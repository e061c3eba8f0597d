import { describe, expect, it } from '@jest/globals';
import { roundApart, roundApartDigits } from './rounding.js';

/** roundApart's answer as [rounded, decimals]. */
function apart(...args: Parameters<typeof roundApart>): [number, number] {
  const { rounded, decimals } = roundApart(...args);
  return [rounded, decimals];
}

describe('roundApart', () => {
  it('keeps the asked decimals where they already stand apart', () => {
    // 16.366 → 16.4; 1174.6 → 1175; 0.05 + 0.03 points as printed today
    expect(apart(0.16366, 1, { scale: 100 })).toEqual([16.4, 1]);
    expect(apart(1174.6, 0)).toEqual([1175, 0]);
    expect(apart(0.08, 2, { scale: 100 })).toEqual([8, 2]);
  });

  it('never rounds a value that is not 0 to 0, and keeps its sign', () => {
    // 0.00004 as points is 0.004: 0.00 at 2 decimals, 0.004 at 3
    expect(apart(0.00004, 2, { scale: 100 })).toEqual([0.004, 3]);
    // −0.4 at 0 decimals is −0: one decimal more
    expect(apart(-0.4, 0)).toEqual([-0.4, 1]);
    expect(apart(0.4, 0)).toEqual([0.4, 1]);
    // a holdout of 0.4% at 0 decimals
    expect(apart(0.004, 0, { scale: 100 })).toEqual([0.4, 1]);
    expect(apart(0, 2, { scale: 100 })).toEqual([0, 2]);
  });

  it('never puts a value below a boundary on it or above it, nor one above it on it', () => {
    // 89.96% is not 90.0%; q = 0.0496 is not 0.050
    expect(apart(0.8996, 1, { boundaries: [0.9], scale: 100 })).toEqual([89.96, 2]);
    expect(apart(0.0496, 3, { boundaries: [0.05] })).toEqual([0.0496, 4]);
    // 90.004% reads 90.0 and 90.00 at 1 and 2 decimals, 90.004 at 3
    expect(apart(0.90004, 1, { boundaries: [0.9], scale: 100 })).toEqual([90.004, 3]);
  });

  it('prints a value that is on a boundary as the boundary', () => {
    expect(apart(0.9, 1, { boundaries: [0.9], scale: 100 })).toEqual([90, 1]);
    expect(apart(0.07, 1, { boundaries: [0.07], scale: 100 })).toEqual([7, 1]);
  });

  it('rounds the last of six more decimals away from the boundary, past them', () => {
    // 1e-15 is 0 at 2 to 8 decimals: 0.00000001, the smallest positive at 8
    expect(apart(1e-15, 2)).toEqual([1e-8, 8]);
    expect(apart(-3e-18, 2, { scale: 100 })).toEqual([-1e-8, 8]);
  });

  it('leaves what is not a number as it is', () => {
    expect(apart(Number.NaN, 1)).toEqual([Number.NaN, 1]);
    expect(apart(Infinity, 1)).toEqual([Infinity, 1]);
  });
});

describe('roundApartDigits', () => {
  it('prints the rounded number with its decimals, trailing zeros kept', () => {
    // 0.0504 against 0.05: 0.050 at three decimals would sit on it, 0.0504 does not
    expect(roundApartDigits(0.0504, 3, { boundaries: [0.05] })).toBe('0.0504');
    expect(roundApartDigits(0.0626, 3, { boundaries: [0.05] })).toBe('0.063');
    expect(roundApartDigits(-0.02, 2, { scale: 100 })).toBe('-2.00');
  });
});
