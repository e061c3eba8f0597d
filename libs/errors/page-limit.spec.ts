import { pageProblem } from './page-limit.js';

describe('pageProblem', () => {
  it.each([1, 50, 1000])('takes limit %d of at most 1000', (limit) => {
    expect(pageProblem({ limit, offset: 0 }, 1000)).toBeUndefined();
  });

  it.each([0, -1, 1001, 2.5, Number.NaN])('refuses limit %d, naming the range', (limit) => {
    expect(pageProblem({ limit }, 1000)).toBe(`limit: must be between 1 and 1000 (was ${limit})`);
  });

  it.each([-1, 0.5])('refuses offset %d', (offset) => {
    expect(pageProblem({ limit: 10, offset }, 1000)).toBe(
      `offset: must be 0 or more (was ${offset})`,
    );
  });
});
