/**
 * What is wrong with a list's `limit` (or `offset`), or undefined when it is usable. A list never
 * answers fewer rows than asked without saying so: a limit above the most it answers is refused,
 * not cut down, so that a caller cannot read a shortened page as the whole list.
 */
export function pageProblem(
  page: { limit: number; offset?: number },
  maxLimit: number,
): string | undefined {
  if (!Number.isInteger(page.limit) || page.limit < 1 || page.limit > maxLimit) {
    return `limit: must be between 1 and ${maxLimit} (was ${page.limit})`;
  }
  if (page.offset !== undefined && (!Number.isInteger(page.offset) || page.offset < 0)) {
    return `offset: must be 0 or more (was ${page.offset})`;
  }
  return undefined;
}
