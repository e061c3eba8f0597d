import { periodProblem } from './list-period.js';

const OCT_1 = new Date('2026-10-01T00:00:00Z');
const OCT_31 = new Date('2026-10-31T00:00:00Z');

describe('periodProblem', () => {
  it.each([
    [{}],
    [{ from: OCT_1 }],
    [{ to: OCT_1 }],
    [{ from: null, to: OCT_1 }],
    [{ from: OCT_1, to: OCT_31 }],
  ])('takes a period open at either end, or from before to: %o', (period) => {
    expect(periodProblem(period)).toBeUndefined();
  });

  it('refuses from after to, naming both', () => {
    expect(periodProblem({ from: OCT_31, to: OCT_1 })).toBe(
      'from, to: from must be before to (was from 2026-10-31T00:00:00.000Z, to 2026-10-01T00:00:00.000Z)',
    );
  });

  it('refuses from equal to to: [t, t) holds no time', () => {
    expect(periodProblem({ from: OCT_1, to: OCT_1 })).toMatch(/^from, to: from must be before to/);
  });
});
