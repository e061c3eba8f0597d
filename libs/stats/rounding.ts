// Rounding for display that never moves a number across what it is read against: a lower bound of
// 0.00004 points rounded to 0.00 beside "significant", a rate of 89.96% rounded to 90.0% beside a
// 90% threshold. The report, the digest, the alerts and the verdicts print through this one rule.

/** Decimals added at most to those asked for before the last one is rounded away instead. */
const MAX_EXTRA_DECIMALS = 6;

export interface RoundApartOptions {
  /**
   * What the reader compares the value with, in the value's own unit (0.9 for 90%). Zero is
   * always one: a value that is not 0 never rounds to 0, and keeps its sign.
   */
  boundaries?: readonly number[];
  /** The printed unit per unit of the value: 100 for percent and points of a share. */
  scale?: number;
}

/** A value rounded for display: the number in the printed unit and its count of decimals. */
export interface RoundedApart {
  rounded: number;
  decimals: number;
}

/** Half away from zero, as toFixed of the magnitude. */
function roundAt(value: number, decimals: number): number {
  return Math.sign(value) * Number(Math.abs(value).toFixed(decimals));
}

/**
 * `value × scale` rounded to `digits` decimals, or to as many more as it takes (up to 6 more) for
 * the rounded number to stand on the same side of 0 and of each boundary as the value itself, and
 * on a boundary only when the value is on it. Past that, the last decimal is rounded away from the
 * boundary it would reach. A value already apart at `digits` keeps them.
 */
export function roundApart(
  value: number,
  digits: number,
  options: RoundApartOptions = {},
): RoundedApart {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(value)) {
    return { rounded: value * scale, decimals: digits };
  }
  const marks = [0, ...(options.boundaries ?? [])];
  // compared in the value's unit: 7.0 / 100 is the same number as a boundary 0.07, 0.07 × 100 is not
  const crossed = (rounded: number) =>
    marks.find((mark) => Math.sign(rounded / scale - mark) !== Math.sign(value - mark));
  const last = digits + MAX_EXTRA_DECIMALS;
  for (let decimals = digits; decimals < last; decimals += 1) {
    const rounded = roundAt(value * scale, decimals);
    if (crossed(rounded) === undefined) {
      return { rounded, decimals };
    }
  }
  const rounded = roundAt(value * scale, last);
  const mark = crossed(rounded);
  if (mark === undefined || value === mark) {
    return { rounded, decimals: last };
  }
  const step = 10 ** -last * (value > mark ? 1 : -1);
  return { rounded: roundAt(rounded + step, last), decimals: last };
}

/** {@link roundApart}'s number in digits, with an ASCII minus: "0.004", "-2.00", "0.0504". */
export function roundApartDigits(
  value: number,
  digits: number,
  options: RoundApartOptions = {},
): string {
  const { rounded, decimals } = roundApart(value, digits, options);
  return rounded.toFixed(decimals);
}
