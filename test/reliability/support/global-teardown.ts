import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuiteFigures } from './figures.js';

// Jest loads this file on its own (no module mapping), so it imports nothing relative at run time.
const artifacts = join(import.meta.dirname, '..', '..', '..', 'artifacts');
const FIGURES_DIR = join(artifacts, 'reliability');
const SUMMARY_FILE = join(artifacts, 'reliability-summary.json');

const sum = (suites: SuiteFigures[], pick: (s: SuiteFigures) => number) =>
  suites.reduce((total, s) => total + pick(s), 0);

/** Merges the suites' figures into artifacts/reliability-summary.json and prints them. */
export default function globalTeardown(): void {
  if (!existsSync(FIGURES_DIR)) {
    return;
  }
  const suites = readdirSync(FIGURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), 'utf8')) as SuiteFigures);
  const faults = suites.flatMap((s) => s.faults);
  const summary = {
    generatedAt: new Date().toISOString(),
    suites: suites.map((s) => s.suite),
    hostileInputs: {
      requests: sum(suites, (s) => s.hostileRequests),
      lines: sum(suites, (s) => s.hostileLines),
      graphqlRows: sum(suites, (s) => s.hostileGraphqlRows),
    },
    faultsInjected: faults.length,
    faultsSurvived: faults.filter((f) => f.survived).length,
    faults,
    rowsAcknowledged: sum(suites, (s) => s.rowsAcknowledged),
    rowsStored: sum(suites, (s) => s.rowsStored),
    rowsLost: sum(suites, (s) => s.rowsLost),
    rowsDoubleCounted: sum(suites, (s) => s.rowsDoubleCounted),
    checks: suites.flatMap((s) => s.checks),
    skipped: suites.flatMap((s) => s.skipped),
  };
  writeFileSync(SUMMARY_FILE, `${JSON.stringify(summary, null, 2)}\n`);
  const lines = [
    '',
    `Reliability summary (${SUMMARY_FILE})`,
    `  hostile inputs tried:   ${summary.hostileInputs.requests} requests, ${summary.hostileInputs.lines} NDJSON lines, ${summary.hostileInputs.graphqlRows} GraphQL rows`,
    `  faults injected:        ${summary.faultsInjected}, survived: ${summary.faultsSurvived}`,
    ...faults.map((f) => `    ${f.survived ? 'survived' : 'FAILED  '}  ${f.name}: ${f.detail}`),
    `  rows acknowledged:      ${summary.rowsAcknowledged}`,
    `  rows stored:            ${summary.rowsStored}`,
    `  rows lost:              ${summary.rowsLost}`,
    `  rows double-counted:    ${summary.rowsDoubleCounted}`,
    ...summary.checks.map((c) => `  checked: ${c}`),
    ...summary.skipped.map((s) => `  skipped: ${s}`),
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
