// Shared shapes of libs/stats.
//
// Convention for undefined statistics: a quantity that the data cannot define (a rate with
// n = 0, a relative lift over a zero baseline, a variance from one person) is `null`, never NaN
// or ±Infinity. GraphQL `Float` cannot carry NaN or Infinity (graphql-js refuses to serialize
// them and JSON turns them into null anyway), so `null` is the one honest value the API layer can
// pass through, and a `null` forces every caller to decide what to say instead of printing "NaN".

/** A point estimate with a two-sided interval around it. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/**
 * Sufficient statistics of one arm, summed over persons: y is the outcome per person (0/1 for
 * conversion, money for revenue), x the pre-period covariate used by CUPED.
 */
export interface ArmSums {
  /** persons in the arm */
  n: number;
  /** Σ y */
  sumY: number;
  /** Σ y² (equals Σ y when y is 0/1) */
  sumY2: number;
  /** Σ x (CUPED only) */
  sumX?: number;
  /** Σ x² (CUPED only) */
  sumX2?: number;
  /** Σ x·y (CUPED only) */
  sumXY?: number;
}

/** Persons, conversions: the sufficient statistics of a conversion rate. */
export interface ArmCounts {
  /** persons in the arm */
  n: number;
  /** persons who converted, 0 ≤ x ≤ n */
  x: number;
}

/** Mean and sample variance of one arm, the input of a Welch comparison. */
export interface ArmMoments {
  n: number;
  /** ȳ; null when n = 0 */
  mean: number | null;
  /** unbiased sample variance s² (divisor n − 1); null when n < 2 */
  variance: number | null;
}

/** What every treatment-versus-control comparison returns. */
export interface LiftComparison {
  /** Δ = treatment − control with its confidence interval; null when either arm is undefined */
  absolute: Interval | null;
  /**
   * Δ / |control| with a delta-method interval; null also when the control level is 0, or when the
   * treated arm is constant at 0 while the control varies (a zero-width −100 % would overclaim)
   */
  relative: Interval | null;
  /** standard error of Δ */
  se: number | null;
  /** delta-method standard error of the relative lift */
  relativeSe: number | null;
  /** Δ / se; null when se is 0 or undefined */
  z: number | null;
  /**
   * two-sided p-value of z; 1 when Δ = 0 and se = 0; null when Δ ≠ 0 and se = 0 (both arms
   * constant, e.g. one person each: no variance to test the difference against)
   */
  pValue: number | null;
}

/** Two conversion rates compared (unpooled Wald). */
export interface ProportionComparison extends LiftComparison {
  /** x_t / n_t; null when n_t = 0 */
  rateTreatment: number | null;
  /** x_c / n_c; null when n_c = 0 */
  rateControl: number | null;
}

/** Two means compared (Welch, normal quantiles). */
export interface MeanComparison extends LiftComparison {
  meanTreatment: number | null;
  meanControl: number | null;
  varianceTreatment: number | null;
  varianceControl: number | null;
  /** Welch–Satterthwaite degrees of freedom, reported for reference; null when undefined */
  welchDf: number | null;
}
