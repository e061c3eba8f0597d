import { requireProbability } from './validate.js';

/**
 * The α that q-values are read against at a confidence level: 1 − confidence as a decimal reads
 * it (0.95 → exactly 0.05; in floating point 1 − 0.95 is 0.050000000000000044, which would call
 * q = 0.05 significant where the report, reading q < 0.05, does not). A test is significant when
 * its q-value is below it.
 */
export function significanceLevel(confidence: number): number {
  return Number((1 - requireProbability('confidence', confidence)).toPrecision(12));
}

/**
 * Benjamini–Hochberg q-values (adjusted p-values) for a family of tests, e.g. many triggers in
 * one lift report: with the m non-null p-values sorted ascending p₍₁₎ ≤ … ≤ p₍ₘ₎,
 * q₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎ / j) (step-up; monotone in p). Rejecting every test with
 * q ≤ α controls the false discovery rate at α for independent or positively dependent tests
 * (Benjamini & Hochberg, JRSS B 57 (1995) 289–300). Causeway calls a test significant when
 * q < α (see significanceLevel): at most as many rejections, so the guarantee holds as well.
 *
 * `null` entries (a trigger with too little data has no p-value) pass through as `null` and do
 * not count in m. The result is in the input's order; ties get equal q-values.
 *
 * @param pValues p-values in [0, 1] or null; anything else throws {@link StatsException}
 * @returns q-values aligned with the input
 */
export function benjaminiHochberg(pValues: readonly (number | null)[]): (number | null)[] {
  const present: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (p !== null) {
      present.push({ index, p: requireProbability(`pValues[${index}]`, p) });
    }
  });
  present.sort((a, b) => a.p - b.p || a.index - b.index);
  const m = present.length;
  const q: (number | null)[] = pValues.map(() => null);
  let smallestToTheRight = 1;
  for (let rank = m; rank >= 1; rank -= 1) {
    const { index, p } = present[rank - 1];
    // p·(m/rank) rather than m·p/rank: the top rank then returns p itself, exactly.
    smallestToTheRight = Math.min(smallestToTheRight, p * (m / rank));
    q[index] = smallestToTheRight;
  }
  return q;
}
