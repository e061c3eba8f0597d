/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new RangeError('median of an empty list');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The nearest-rank percentile of a non-empty list: the smallest value with at least `p` percent
 * of the values at or below it (p in (0, 100]).
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) {
    throw new RangeError('percentile of an empty list');
  }
  if (!(p > 0 && p <= 100)) {
    throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}
