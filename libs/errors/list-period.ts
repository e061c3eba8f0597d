/**
 * What is wrong with a list's period [from, to), or undefined when it is usable. Either end may be
 * left out; given both, a from at or after to names no time at all, and is refused as the measures
 * and `reportSnapshots` refuse it, not answered with an empty list that reads as "nothing happened".
 */
export function periodProblem(period: {
  from?: Date | null;
  to?: Date | null;
}): string | undefined {
  const { from, to } = period;
  if (from === undefined || from === null || to === undefined || to === null || from < to) {
    return undefined;
  }
  return `from, to: from must be before to (was from ${from.toISOString()}, to ${to.toISOString()})`;
}
