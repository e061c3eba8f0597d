import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the reliability suites leave their figures, one file per suite, and the summary. */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'artifacts');
export const FIGURES_DIR = join(ARTIFACTS, 'reliability');
export const SUMMARY_FILE = join(ARTIFACTS, 'reliability-summary.json');

/** A fault injected into real processes, and whether every promise held through it. */
export interface FaultRecord {
  name: string;
  survived: boolean;
  detail: string;
}

/** What one suite tried and saw. Row figures count rows the service acknowledged (200). */
export interface SuiteFigures {
  suite: string;
  hostileRequests: number;
  hostileLines: number;
  hostileGraphqlRows: number;
  faults: FaultRecord[];
  rowsAcknowledged: number;
  rowsStored: number;
  rowsLost: number;
  rowsDoubleCounted: number;
  /** Other proofs worth a line in the summary (isolation, limits). */
  checks: string[];
  skipped: string[];
}

function empty(suite: string): SuiteFigures {
  return {
    suite,
    hostileRequests: 0,
    hostileLines: 0,
    hostileGraphqlRows: 0,
    faults: [],
    rowsAcknowledged: 0,
    rowsStored: 0,
    rowsLost: 0,
    rowsDoubleCounted: 0,
    checks: [],
    skipped: [],
  };
}

/** Reads, changes and writes back a suite's figures (tests of one file run one at a time). */
export function recordFigures(suite: string, change: (figures: SuiteFigures) => void): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${suite}.json`);
  const figures = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as SuiteFigures)
    : empty(suite);
  change(figures);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}

/**
 * Records a suite's faults: each by its name, whether every promise held through it, and what was
 * seen.
 */
export function faultRecorder(
  suite: string,
): (name: string, survived: boolean, detail: string) => void {
  return (name, survived, detail) =>
    recordFigures(suite, (f) => f.faults.push({ name, survived, detail }));
}

/** Adds a row count check: `sent` rows per acknowledged batch, `measured` as the measures saw them. */
export function recordRows(
  suite: string,
  batches: readonly { acknowledged: boolean; sent: number; measured: number }[],
): { lost: number; doubleCounted: number } {
  let lost = 0;
  let doubleCounted = 0;
  recordFigures(suite, (f) => {
    for (const batch of batches) {
      doubleCounted += Math.max(0, batch.measured - batch.sent);
      if (!batch.acknowledged) {
        continue;
      }
      f.rowsAcknowledged += batch.sent;
      f.rowsStored += Math.min(batch.sent, batch.measured);
      lost += Math.max(0, batch.sent - batch.measured);
    }
    f.rowsLost += lost;
    f.rowsDoubleCounted += doubleCounted;
  });
  return { lost, doubleCounted };
}
