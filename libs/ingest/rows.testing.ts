// Comparing tens of thousands of rows: one expect per row takes jest seconds over a program's
// rows, while node's strict deep equality takes milliseconds. These answer what differs, for one
// expect that shows it.
import { isDeepStrictEqual } from 'node:util';

/** Where two lists of rows first differ, with both rows; undefined when equal. */
export function firstDifference(actual: readonly unknown[], expected: readonly unknown[]): unknown {
  const length = Math.max(actual.length, expected.length);
  for (let index = 0; index < length; index++) {
    if (!isDeepStrictEqual(actual[index], expected[index])) {
      return {
        index,
        lengths: [actual.length, expected.length],
        actual: actual[index],
        expected: expected[index],
      };
    }
  }
  return undefined;
}

/** The first five items for which `check` answers a difference, each with it. */
export function disagreements<T>(items: readonly T[], check: (item: T) => unknown): unknown[] {
  const found: unknown[] = [];
  for (const item of items) {
    const difference = check(item);
    if (difference !== undefined) {
      found.push({ item, difference });
      if (found.length === 5) {
        break;
      }
    }
  }
  return found;
}

/** Both values when they differ (strictly, in depth, whatever the order of keys), else undefined. */
export function unlike(actual: unknown, expected: unknown): unknown {
  return isDeepStrictEqual(actual, expected) ? undefined : { actual, expected };
}
