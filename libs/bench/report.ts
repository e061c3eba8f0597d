import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../storage/index.js';
import { MEASURES } from './measures.js';
import type { BenchResults, CachedRead } from './run.js';

/** Targets of the issue (2 cores). */
export const TARGETS = {
  ingestRowsPerSecond: 100_000,
  ingestRatio: 0.8,
  rssBytes: 1.5 * 1024 ** 3,
  p99Ms: 100,
  cachedReadP50Ms: 20,
} as const;

export const README_START = '<!-- bench:start -->';
export const README_END = '<!-- bench:end -->';

const count = (n: number) => Math.round(n).toLocaleString('en');
const ms = (n: number) => `${Math.round(n).toLocaleString('en')} ms`;
const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
const ratio = (n: number) => `${n.toFixed(2)}×`;
const verdict = (met: boolean) => (met ? 'met' : '**not met**');

/** The machine, as the README states it. */
export function machine(engineVersion: string): string {
  const cpu = cpus();
  return (
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${gib(totalmem())} RAM, ` +
    `Node ${process.version}, embedded ClickHouse ${engineVersion} (chDB)`
  );
}

/** The cached-read row: the same liftReport again with nothing written, answered from memory. */
export function cachedReadRow(read: CachedRead): string {
  return (
    `| liftReport asked again, unchanged data (${read.reads} reads after a first of ` +
    `${ms(read.missMs)}) | p50 ${ms(read.p50Ms)}, p99 ${ms(read.p99Ms)} | | | | p50 ≤ 20 ms | ` +
    `${verdict(read.p50Ms <= TARGETS.cachedReadP50Ms)} |`
  );
}

/** The results as a Markdown table with a header that says what was measured, when and where. */
export function resultsTable(results: BenchResults): string {
  const { plan, store, ingest } = results;
  const lines: string[] = [];
  const c = store.counts;
  lines.push(
    `Measured ${results.startedAt.toISOString().slice(0, 10)} on ${machine(results.engineVersion)}, ` +
      `load average ${results.loadAverage.toFixed(1)} over the last 15 minutes of the run. ` +
      `Scale ${plan.scale}: ${count(plan.persons)} persons, ${count(c.firings)} firings, ` +
      `${count(c.signals)} signals, ${count(c.exposures)} exposures, ${count(c.outcomes)} outcomes, ` +
      `${count(c.consent)} consent events (seed ${plan.seed}, demo generator at activity ${plan.activity}).`,
    '',
    '| measure | Causeway | hand-written baseline | ratio | engine floor | target | |',
    '|---|---:|---:|---:|---:|---|---|',
  );
  const ingestRatio = ingest.apiRowsPerSecond / ingest.handRowsPerSecond;
  lines.push(
    `| ingest, POST /v1/ingest (${count(ingest.rows)} rows, batches of 10,000, 4 clients) | ` +
      `${count(ingest.apiRowsPerSecond)} rows/s | ${count(ingest.handRowsPerSecond)} rows/s | ` +
      `${ratio(ingestRatio)} | | ≥ 100,000 rows/s and ≥ 0.80× | ` +
      `${verdict(ingest.apiRowsPerSecond >= TARGETS.ingestRowsPerSecond && ingestRatio >= TARGETS.ingestRatio)} |`,
  );
  if (ingest.redisRowsPerSecond !== undefined) {
    const redisRatio = ingest.redisRowsPerSecond / ingest.handRowsPerSecond;
    lines.push(
      `| ingest through Redis (BullMQ), until stored | ${count(ingest.redisRowsPerSecond)} rows/s | ` +
        `${count(ingest.handRowsPerSecond)} rows/s | ${ratio(redisRatio)} | | (reported) | |`,
    );
  }
  for (const query of results.queries) {
    const measure = MEASURES.find((m) => m.name === query.name);
    const targetMs = measure?.targetMs ?? 3000;
    const queryRatio = query.medianMs / query.baseline.medianMs;
    const ratioMet = measure?.targetRatio === undefined || queryRatio <= measure.targetRatio;
    const target =
      measure?.targetRatio === undefined
        ? `≤ ${ms(targetMs)}`
        : `≤ ${ms(targetMs)} and ≤ ${ratio(measure.targetRatio)}`;
    lines.push(
      `| ${query.name}, 30 days (median of ${plan.repeats}) | ${ms(query.medianMs)} | ` +
        `${ms(query.baseline.medianMs)} | ${ratio(queryRatio)} | ${ms(query.baseline.floorMs)} | ` +
        `${target} | ` +
        `${verdict(query.medianMs <= targetMs && ratioMet)} |`,
    );
  }
  lines.push(cachedReadRow(results.cachedRead));
  const ingestRss = Math.max(ingest.apiPeakRss, ingest.redisApiPeakRss ?? 0);
  lines.push(
    `| API peak RSS during ingest | ${gib(ingestRss)} | | | | ≤ 1.50 GiB | ${verdict(ingestRss <= TARGETS.rssBytes)} |`,
    `| API peak RSS during the queries | ${gib(results.queriesPeakRss)} | | | | ≤ 1.50 GiB | ` +
      `${verdict(results.queriesPeakRss <= TARGETS.rssBytes)} |`,
  );
  const cc = results.concurrency;
  lines.push(
    `| cheap query (\`triggers\`), ${plan.concurrencyClients} clients, ${plan.concurrencySeconds} s ` +
      `(${count(cc.requests)} requests, ${cc.errors + cc.non2xx} failed) | p50 ${ms(cc.p50Ms)}, ` +
      `p99 ${ms(cc.p99Ms)} | | | | p99 ≤ 100 ms | ${verdict(cc.p99Ms <= TARGETS.p99Ms && cc.errors + cc.non2xx === 0)} |`,
  );
  lines.push(
    '',
    'Engine floor: the one step an answer over the plain tables cannot do without, timed alone in ' +
      'the same engine (lift and guardrails read their first firings from the assignment rollup ' +
      'instead, see below):',
  );
  const described = new Set<string>();
  for (const measure of MEASURES) {
    if (!described.has(measure.floor.what)) {
      described.add(measure.floor.what);
      const users = MEASURES.filter((m) => m.floor.what === measure.floor.what).map((m) => m.name);
      lines.push(`- ${users.join(', ')}: ${measure.floor.what}.`);
    }
  }
  return lines.join('\n');
}

/**
 * Replaces what lies between the bench markers of README.md with the table. Answers false (and
 * leaves the file alone) when the README or its markers are missing.
 */
export function writeReadme(table: string, readme = join(projectRoot(), 'README.md')): boolean {
  if (!existsSync(readme)) {
    return false;
  }
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start === -1 || end === -1 || end < start) {
    return false;
  }
  const updated = `${text.slice(0, start + README_START.length)}\n${table}\n${text.slice(end)}`;
  writeFileSync(readme, updated);
  return true;
}
