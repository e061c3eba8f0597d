// The standard normal distribution: cdf, upper tail, quantile and two-sided p-value.
//
// The cdf follows W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631–637, in the form of his ANORM routine (ACM TOMS Algorithm 715,
// SPECFUN, 1993): three near-minimax rational approximations on |x| ≤ 0.66291,
// 0.66291 < |x| ≤ √32 and √32 < |x| < 50, good to about 18 significant digits in exact
// arithmetic. The far tail is computed directly (never as 1 − cdf), so `normalSf(8)` keeps its
// relative accuracy.
//
// The quantile is M. J. Wichura, "Algorithm AS 241: The percentage points of the normal
// distribution", Applied Statistics 37 (1988) 477–484, routine PPND16 (about 1 part in 10^16).
/* eslint-disable no-loss-of-precision -- the published coefficient tables are quoted digit for digit;
   the nearest double to each is what is meant. */
import { StatsErrorCode, StatsException } from './errors.js';
import { requireOpenUnit } from './validate.js';

const ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934;
const SQRT_32 = 5.656854249492380195206754896838;
const HALF_EPSILON = Number.EPSILON / 2;

// Cody's coefficients, |x| ≤ 0.66291: Φ(x) − ½ ≈ x · A(x²) / B(x²).
const CODY_A = [
  2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249,
  0.065682337918207449113,
];
const CODY_B = [
  47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956,
];
// 0.66291 < |x| ≤ √32: tail ≈ exp(−x²/2) · C(|x|) / D(|x|).
const CODY_C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226,
  2494.5375852903726711, 6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218,
  1.0765576773720192317e-8,
];
const CODY_D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755,
  18615.571640885098091, 34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
// √32 < |x| < 50: tail ≈ exp(−x²/2) / |x| · (1/√(2π) − x⁻² P(x⁻²) / Q(x⁻²)).
const CODY_P = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466,
  2.9112874951168792e-5, 0.02307344176494017303,
];
const CODY_Q = [
  1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244,
  7.29751555083966205e-5,
];

// Wichura's AS 241 coefficients, constant term first. Central region |p − ½| ≤ 0.425:
// Φ⁻¹(p) = q·A(r)/B(r) with q = p − ½, r = 0.180625 − q².
const AS241_A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const AS241_B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
// Intermediate tails, r = √(−ln min(p, 1 − p)) ≤ 5: |Φ⁻¹(p)| = C(r − 1.6)/D(r − 1.6).
const AS241_C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833,
  7.7454501427834140764e-4,
];
const AS241_D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
// Far tails, r > 5 (p < 1.4e-11): |Φ⁻¹(p)| = E(r − 5)/F(r − 5).
const AS241_E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5,
  2.01033439929228813265e-7,
];
const AS241_F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525,
  7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7,
  2.04426310338993978564e-15,
];

/** Σ coefficients[i]·xⁱ by Horner's rule (constant term first). */
function polynomial(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i -= 1) {
    sum = sum * x + coefficients[i];
  }
  return sum;
}

/**
 * Numerator and denominator of Cody's rational forms, evaluated in his order (so the results are
 * his to the last bit): the numerator has one coefficient more than the denominator, whose
 * leading coefficient is an implicit 1, and both are Horner-evaluated with the last numerator
 * coefficient as the highest power and the next-to-last of each as the constant term.
 */
function codyRational(
  numerator: readonly number[],
  denominator: readonly number[],
  x: number,
): { num: number; den: number } {
  const n = denominator.length;
  let num = numerator[n] * x;
  let den = x;
  for (let i = 0; i < n - 1; i += 1) {
    num = (num + numerator[i]) * x;
    den = (den + denominator[i]) * x;
  }
  return { num: num + numerator[n - 1], den: den + denominator[n - 1] };
}

/**
 * exp(−y²/2) without the cancellation of squaring y directly: y is split as y = h + δ with h a
 * multiple of 1/16, so h² is exact and exp(−y²/2) = exp(−h²/2) · exp(−δ(y + h)/2) (Cody's trick).
 */
function gaussianKernel(y: number): number {
  const head = Math.floor(y * 16) / 16;
  const del = (y - head) * (y + head);
  return Math.exp(-head * head * 0.5) * Math.exp(-del * 0.5);
}

/** Both tails at x: lower = P(Z ≤ x), upper = P(Z > x), each computed without cancellation. */
function normalTails(x: number): { lower: number; upper: number } {
  if (Number.isNaN(x)) {
    throw new StatsException(StatsErrorCode.InvalidArgument, 'x must be a number, got NaN');
  }
  const y = Math.abs(x);
  if (y <= 0.66291) {
    const xsq = y > HALF_EPSILON ? x * x : 0;
    const { num, den } = codyRational(CODY_A, CODY_B, xsq);
    const half = (x * num) / den;
    return { lower: 0.5 + half, upper: 0.5 - half };
  }
  // `tail` is the probability beyond |x| on x's own side.
  let tail: number;
  if (y <= SQRT_32) {
    const { num, den } = codyRational(CODY_C, CODY_D, y);
    tail = gaussianKernel(y) * (num / den);
  } else if (y < 50) {
    const inv = 1 / (x * x);
    const { num, den } = codyRational(CODY_P, CODY_Q, inv);
    const correction = (inv * num) / den;
    tail = (gaussianKernel(y) * (ONE_OVER_SQRT_2PI - correction)) / y;
  } else {
    tail = 0; // below the smallest subnormal double
  }
  return x > 0 ? { lower: 1 - tail, upper: tail } : { lower: tail, upper: 1 - tail };
}

/**
 * Standard normal cumulative distribution function Φ(x) = P(Z ≤ x).
 *
 * Cody's rational approximations; absolute error below 1e-15 everywhere and relative error near
 * machine precision for x < 0 (the lower tail is computed directly). Φ(±∞) = 1 or 0.
 *
 * @param x any number; NaN throws {@link StatsException}
 * @returns P(Z ≤ x)
 */
export function normalCdf(x: number): number {
  return normalTails(x).lower;
}

/**
 * Standard normal survival function 1 − Φ(x) = P(Z > x), computed directly so that it keeps its
 * relative accuracy in the far upper tail (normalSf(10) ≈ 7.62e-24, not 0).
 *
 * @param x any number; NaN throws {@link StatsException}
 * @returns P(Z > x)
 */
export function normalSf(x: number): number {
  return normalTails(x).upper;
}

/**
 * Standard normal quantile Φ⁻¹(p), Wichura's AS 241 (PPND16), accurate to about 1e-16 relative.
 *
 * For an upper-tail critical value prefer `-normalQuantile(alpha)` over
 * `normalQuantile(1 - alpha)`: `alpha` is exact where `1 - alpha` is rounded.
 *
 * @param p probability in [0, 1]; `normalQuantile(0) = -Infinity`, `normalQuantile(1) = Infinity`;
 *   anything else outside [0, 1] (or NaN) throws {@link StatsException}
 * @returns z with Φ(z) = p
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new StatsException(StatsErrorCode.InvalidArgument, `p must be in [0, 1], got ${p}`);
  }
  if (p === 0) {
    return -Infinity;
  }
  if (p === 1) {
    return Infinity;
  }
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_A, r)) / polynomial(AS241_B, r);
  }
  // r = √(−ln(min(p, 1 − p))), in (√(−ln 0.075), 27.3] for doubles
  const r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  const value =
    r <= 5
      ? polynomial(AS241_C, r - 1.6) / polynomial(AS241_D, r - 1.6)
      : polynomial(AS241_E, r - 5) / polynomial(AS241_F, r - 5);
  return q < 0 ? -value : value;
}

/**
 * Two-sided critical value z_{1−α/2} for a confidence level, e.g. 1.959963984540054 for 0.95.
 *
 * @param confidence level in (0, 1); otherwise throws {@link StatsException}
 * @returns the positive z with P(|Z| > z) = 1 − confidence
 */
export function twoSidedCriticalValue(confidence: number): number {
  requireOpenUnit('confidence', confidence);
  return -normalQuantile((1 - confidence) / 2);
}

/**
 * Two-sided critical value z_{1−α/2} from the error rate α itself, −Φ⁻¹(α/2): exact where
 * {@link twoSidedCriticalValue}(1 − α) is not (1 − α rounds, and is exactly 1 below α ≈ 1.1e-16,
 * which that function refuses). Use it wherever α, not a confidence level, is given.
 *
 * @param alpha error rate in (0, 1); otherwise throws {@link StatsException}
 * @returns the positive z with P(|Z| > z) = α
 */
export function criticalValueAtAlpha(alpha: number): number {
  requireOpenUnit('alpha', alpha);
  return -normalQuantile(alpha / 2);
}

/**
 * Two-sided p-value of a standard normal statistic: P(|Z| ≥ |z|) = 2·(1 − Φ(|z|)), at most 1.
 *
 * @param z the statistic; ±Infinity gives 0; NaN throws {@link StatsException}
 * @returns the p-value in [0, 1]
 */
export function twoSidedPValue(z: number): number {
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}
