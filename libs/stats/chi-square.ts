import { StatsErrorCode, StatsException } from './errors.js';
import { regularizedGammaQ } from './gamma.js';

/**
 * Upper tail of the chi-square distribution, P(χ²_df > x) = Q(df/2, x/2).
 *
 * @param x the statistic, ≥ 0 (Infinity gives 0); negative or NaN throws {@link StatsException}
 * @param df degrees of freedom, a positive integer (1 for a two-cell goodness-of-fit test)
 * @returns the p-value in [0, 1]
 */
export function chiSquareSf(x: number, df: number): number {
  if (!Number.isSafeInteger(df) || df < 1) {
    throw new StatsException(
      StatsErrorCode.InvalidArgument,
      `df must be a positive integer, got ${df}`,
    );
  }
  if (!(x >= 0)) {
    throw new StatsException(StatsErrorCode.InvalidArgument, `x must be >= 0, got ${x}`);
  }
  return regularizedGammaQ(df / 2, x / 2);
}
