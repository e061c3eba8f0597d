// Number and time formatting for the report: English, grouped thousands, UTC. Pure functions.

import { UTCDate } from '@date-fns/utc';
import { roundApart, type RoundApartOptions } from '../../stats/index.js';
// one module per function: the package's index loads every function it has (0.2 s at startup)
import { format } from 'date-fns/format';
import { isEqual } from 'date-fns/isEqual';
import { isSameYear } from 'date-fns/isSameYear';
import { startOfDay } from 'date-fns/startOfDay';
import { subDays } from 'date-fns/subDays';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Rounds half away from zero (Math.round rounds −2.5 to −2). */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** 1234.5 → "1,235" (a count: whole, as it is counted). */
export function formatInteger(value: number): string {
  return integer.format(roundHalfAway(value));
}

/** "1234567.25" → "1,234,567.25". */
function grouped(digits: string): string {
  const [whole = '', fraction] = digits.split('.');
  const thousands = whole.replace(/\B(?=(\d{3})+$)/g, ',');
  return fraction === undefined ? thousands : `${thousands}.${fraction}`;
}

/** How a figure is printed beside what it is read against. */
export interface ApartOptions extends RoundApartOptions {
  /** Thousands separated by commas. */
  group?: boolean;
}

/**
 * A value rounded apart (stats' roundApart: `digits` decimals, more where fewer would put it on
 * or across 0 or a boundary) as its sign and its digits.
 */
function apart(value: number, digits: number, options: ApartOptions): [-1 | 0 | 1, string] {
  const { rounded, decimals } = roundApart(value, digits, options);
  const text = Math.abs(rounded).toFixed(decimals);
  return [rounded > 0 ? 1 : rounded < 0 ? -1 : 0, options.group === true ? grouped(text) : text];
}

/**
 * A number with `digits` decimals and a real minus sign, with more decimals where fewer would
 * cross 0 or one of `options.boundaries`: −0.4 reads "−0.4", never "−0"; a q-value of 0.0496
 * against 0.05 reads "0.0496", not "0.050".
 */
export function formatFixed(value: number, digits: number, options: ApartOptions = {}): string {
  const [sign, text] = apart(value, digits, options);
  return sign < 0 ? `−${text}` : text;
}

/** {@link formatFixed} with a plus sign on a positive value: "+0.4", "−12.30", "0". */
export function formatSignedFixed(
  value: number,
  digits: number,
  options: ApartOptions = {},
): string {
  const [sign, text] = apart(value, digits, options);
  return `${sign > 0 ? '+' : sign < 0 ? '−' : ''}${text}`;
}

/** A signed whole number: +1,175 / −320 / 0, and +0.4 for a value that is not 0. */
export function formatSignedInteger(value: number): string {
  return formatSignedFixed(value, 0, { group: true });
}

/** 0.1637 → "16.4%"; a rate of 0.8996 read against 90% → "89.96%". */
export function formatPercent(
  share: number,
  digits = 1,
  boundaries: readonly number[] = [],
): string {
  return `${formatFixed(share, digits, { scale: 100, boundaries })}%`;
}

/** 0.44 → "+44.0%" (a relative change). */
export function formatSignedPercent(share: number, digits = 1): string {
  return `${formatSignedFixed(share, digits, { scale: 100 })}%`;
}

/** 0.04999 → "+5.00 pts" (a difference of rates, in percentage points); 0.00001 → "+0.001 pts". */
export function formatPoints(share: number, digits = 2): string {
  return `${formatSignedFixed(share, digits, { scale: 100 })} pts`;
}

/**
 * A q-value read against α: "< 0.001" below that, else three decimals, or more where three would
 * put it on or across α (0.0496 against 0.05 reads "0.0496", not "0.050").
 */
export function formatQValue(q: number, alpha: number): string {
  return q < 0.001 ? '< 0.001' : formatFixed(q, 3, { boundaries: [alpha] });
}

/** Money in the outcomes' currency units: 13520.4 → "13,520"; small amounts keep cents. */
export function formatMoney(value: number): string {
  return formatFixed(value, Math.abs(value) < 100 ? 2 : 0, { group: true });
}

/** A signed amount of money: +13,520 / −42.10. */
export function formatSignedMoney(value: number): string {
  return formatSignedFixed(value, Math.abs(value) < 100 ? 2 : 0, { group: true });
}

/** A duration in the unit a person reads best: 850 ms, 4.2 s, 3.1 min, 2.5 h, 1.8 d. */
export function formatDuration(ms: number, readAgainstMs?: number): string {
  const abs = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) {
      const value = abs / size;
      // a lag beside the window it is read against keeps the digits that tell them apart: 1.02 h
      // past a 1 h window does not read "1 h"
      const { rounded, decimals } = roundApart(value, value >= 10 ? 0 : 1, {
        boundaries: readAgainstMs === undefined ? [] : [Math.abs(readAgainstMs) / size],
      });
      const text = rounded.toFixed(decimals);
      return `${sign}${decimals === 1 ? text.replace(/\.0$/, '') : text} ${unit}`;
    }
  }
  return `${sign}${Math.round(abs)} ms`;
}

// Calendar fields are read in UTC: a UTCDate makes date-fns compute and print in UTC whatever the
// process's time zone.
const utc = (time: Date | string): UTCDate => new UTCDate(new Date(time).getTime());

/** "2026-10-01T00:00:00.000Z" → "1 Oct 2026" (UTC). */
export function formatDate(time: Date | string): string {
  return format(utc(time), 'd MMM yyyy');
}

/** "2026-10-02T00:00:00.000Z" → "2 Oct" (UTC). */
export function formatDay(time: Date | string): string {
  return format(utc(time), 'd MMM');
}

/** "28 Nov 2026, 14:20 UTC". */
export function formatDateTime(time: Date | string): string {
  return format(utc(time), "d MMM yyyy, HH:mm 'UTC'");
}

/**
 * A half-open period [from, to) as the days it covers: "1 Oct – 30 Oct 2026" when `to` is a
 * midnight (its last day is the day before), otherwise with times.
 */
export function formatPeriod(from: Date | string, to: Date | string): string {
  const start = utc(from);
  const end = utc(to);
  const midnights = isEqual(startOfDay(start), start) && isEqual(startOfDay(end), end);
  if (!midnights) {
    return `${formatDateTime(start)} – ${formatDateTime(end)}`;
  }
  const lastDay = subDays(end, 1);
  if (isEqual(lastDay, start)) {
    return formatDate(start);
  }
  const first = isSameYear(start, lastDay) ? format(start, 'd MMM') : formatDate(start);
  return `${first} – ${formatDate(lastDay)}`;
}
