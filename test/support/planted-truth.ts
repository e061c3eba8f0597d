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
