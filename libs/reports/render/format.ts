// Number and time formatting for the report: English, grouped thousands, UTC. Pure functions.

import { UTCDate } from '@date-fns/utc';
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

/** 1234.5 → "1,235". */
export function formatInteger(value: number): string {
  return integer.format(roundHalfAway(value));
}

/** A signed whole number: +1,175 / −320 / 0. */
export function formatSignedInteger(value: number): string {
  const rounded = roundHalfAway(value);
  if (rounded === 0) {
    return '0';
  }
  return `${rounded > 0 ? '+' : '−'}${integer.format(Math.abs(rounded))}`;
}

/** A number with a fixed number of decimals and a real minus sign. */
export function formatFixed(value: number, digits: number): string {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 && Number(text) !== 0 ? `−${text}` : text;
}

/** 0.1637 → "16.4%". */
export function formatPercent(share: number, digits = 1): string {
  return `${formatFixed(share * 100, digits)}%`;
}

/** 0.44 → "+44.0%" (a relative change). */
export function formatSignedPercent(share: number, digits = 1): string {
  const text = formatPercent(share, digits);
  return share > 0 && Number((share * 100).toFixed(digits)) !== 0 ? `+${text}` : text;
}

/** 0.04999 → "+5.00 pts" (a difference of rates, in percentage points). */
export function formatPoints(share: number, digits = 2): string {
  const value = share * 100;
  const text = formatFixed(value, digits);
  return `${value > 0 && Number(value.toFixed(digits)) !== 0 ? '+' : ''}${text} pts`;
}

/** Money in the outcomes' currency units: 13520.4 → "13,520"; small amounts keep cents. */
export function formatMoney(value: number): string {
  if (Math.abs(value) < 100) {
    return formatFixed(value, 2);
  }
  const rounded = roundHalfAway(value);
  const text = integer.format(Math.abs(rounded));
  return rounded < 0 ? `−${text}` : text;
}

/** A signed amount of money: +13,520 / −42.10. */
export function formatSignedMoney(value: number): string {
  const text = formatMoney(value);
  return value > 0 && text !== '0.00' && text !== '0' ? `+${text}` : text;
}

/** A duration in the unit a person reads best: 850 ms, 4.2 s, 3.1 min, 2.5 h, 1.8 d. */
export function formatDuration(ms: number): string {
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
      return `${sign}${value >= 10 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${unit}`;
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
