import { CausewayClient } from '../../libs/client/index.js';
import {
  DEMO_STREAMS,
  generateProgram,
  serializeProgram,
  type GeneratedProgram,
  type ProgramOptions,
} from '../../libs/demo/index.js';
import { mintKey } from './client.js';
import { startApi, type ApiProcess } from './processes.js';

/** The seed and size of the planted-truth suites: big enough that every planted effect shows. */
export const PLANTED_SEED = 20_261_001;
export const PLANTED_PERSONS = 4_000;

/** Standard normal quantile at 0.975: the 95 % two-sided interval the API reports by default. */
export const Z_975 = 1.959963984540054;
/** Absolute tolerance of floating-point figures (lift bounds, revenue). */
export const TOLERANCE = 1e-6;
export const DAY = 86_400_000;

/**
 * A figure within TOLERANCE of `expected` (|received − expected| ≤ TOLERANCE), shown with the
 * expected value when it fails; null expects null.
 */
export const near = (expected: number | null): unknown =>
  expected === null
    ? null
    : {
        $$typeof: Symbol.for('jest.asymmetricMatcher'),
        asymmetricMatch: (received: unknown) =>
          typeof received === 'number' && Math.abs(received - expected) <= TOLERANCE,
        toString: () => `≈ ${expected} (± ${TOLERANCE})`,
        toAsymmetricMatcher: () => `≈ ${expected} (± ${TOLERANCE})`,
      };

/** An arm as the lift measures answer it (ArmStats, the fields these suites read). */
export interface Arm {
  persons: number;
  conversions: number;
  revenue: number;
}

/** An estimate with its interval, as the API answers it. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

/** A difference with its standard error. */
export interface Effect {
  estimate: number;
  se: number;
}

/** Δ = p_t − p_c and its unpooled SE (docs/design.md §3.4), null when an arm is empty. */
export function absoluteEffect(
  t: { persons: number; converters: number },
  c: { persons: number; converters: number },
): Effect | null {
  if (t.persons === 0 || c.persons === 0) {
    return null;
  }
  const pt = t.converters / t.persons;
  const pc = c.converters / c.persons;
  return {
    estimate: pt - pc,
    se: Math.sqrt((pt * (1 - pt)) / t.persons + (pc * (1 - pc)) / c.persons),
  };
}

/**
 * One segmented answer recomputed by docs/design.md §9: Cochran's Q over the segments whose SE is
 * above 0 (null with fewer than 2), and each such segment's empirical-Bayes posterior (μ the mean
 * of the lifts, τ² = max(0, s² − mean se²), normal–normal, widened by B²·(τ² + mean se²)/k for μ's
 * own variance, B = (1/τ²)/precision the weight of μ, 1 when τ² = 0), with at least 3 of them;
 * τ² beside them.
 */
export function segmentCheck(effects: (Effect | null)[]) {
  const entered = effects.filter((e): e is Effect => e !== null && e.se > 0);
  if (entered.length < 2) {
    return null;
  }
  const weights = entered.map((e) => 1 / (e.se * e.se));
  const total = weights.reduce((a, b) => a + b, 0);
  const pooled = entered.reduce((sum, e, i) => sum + weights[i] * e.estimate, 0) / total;
  const q = entered.reduce((sum, e, i) => sum + weights[i] * (e.estimate - pooled) ** 2, 0);
  const df = entered.length - 1;
  // P(χ²_df > q) in closed form for the demo's splits (two or three segments)
  if (df !== 2) {
    throw new Error(`this spec recomputes p-values on 2 degrees of freedom only, got ${df}`);
  }
  const pValue = Math.exp(-q / 2);
  const k = entered.length;
  const mu = entered.reduce((sum, e) => sum + e.estimate, 0) / k;
  const s2 = entered.reduce((sum, e) => sum + (e.estimate - mu) ** 2, 0) / (k - 1);
  const meanSe2 = entered.reduce((sum, e) => sum + e.se * e.se, 0) / k;
  const tau2 = Math.max(0, s2 - meanSe2);
  const muVariance = (tau2 + meanSe2) / k;
  const shrunk = effects.map((e) => {
    if (e === null || !(e.se > 0) || k < 3) {
      return null;
    }
    if (tau2 === 0) {
      const sd = Math.sqrt(muVariance);
      return { estimate: mu, low: mu - Z_975 * sd, high: mu + Z_975 * sd };
    }
    const precision = 1 / (e.se * e.se) + 1 / tau2;
    const mean = (e.estimate / (e.se * e.se) + mu / tau2) / precision;
    const weightOfMu = 1 / tau2 / precision;
    const sd = Math.sqrt(1 / precision + weightOfMu ** 2 * muVariance);
    return { estimate: mean, low: mean - Z_975 * sd, high: mean + Z_975 * sd };
  });
  return { q, df, pValue, flagged: pValue < 0.05, tau2, shrunk };
}

/** Lines per ingest request: about 5 MB of firings, well inside INGEST_MAX_BODY_BYTES. */
const MAX_ROWS = 20_000;

/**
 * The planted-truth program (or the program of `options`), and an API that has taken it through
 * HTTP (triggers first, one request at a time) with a key of INGEST and READ scope named `keyName`.
 */
export async function apiWithPlantedProgram(
  keyName: string,
  options: ProgramOptions = { seed: PLANTED_SEED, persons: PLANTED_PERSONS },
): Promise<{ program: GeneratedProgram; api: ApiProcess; key: string }> {
  const program = generateProgram(options);
  const serialized = serializeProgram(program);
  const api = await startApi();
  const key = await mintKey(api.url, api.adminKey, keyName, ['INGEST', 'READ']);
  const client = new CausewayClient(api.url, key);
  try {
    for (const stream of DEMO_STREAMS) {
      await client.upload(stream, serialized[stream].ndjson, MAX_ROWS, 1);
    }
  } catch (error) {
    await api.dispose();
    throw error;
  }
  return { program, api, key };
}
