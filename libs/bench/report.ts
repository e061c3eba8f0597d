import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../storage/index.js';
import { MEASURES } from './measures.js';
import { UNKNOWN_FIELD } from './ingest-sample.js';
import { INGEST_BATCH_LINES, INGEST_CLIENTS } from './plan.js';
import { median } from './timing.js';
import type { BenchResults, CachedRead, ExportTiming, IngestDialectResult } from './run.js';

/** The benchmark's targets, on 2 cores (the README's table prints them). */
export const TARGETS = {
  ingestRowsPerSecond: 100_000,
  ingestRatio: 0.8,
  /** Parquet backfill rows per second over those of the NDJSON route. */
  backfillRatio: 3,
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

/** What each ingest row sends, in words. */
const DIALECT_WORDS: Record<IngestDialectResult['dialect'], string> = {
  stringify: 'lines as JSON.stringify writes them',
  python:
    "the same lines as Python's json.dumps writes them (python3: sort_keys=True, `+00:00` times)",
  unknownField: `the same lines with a field no stream knows (\`"${UNKNOWN_FIELD}":"x"\`)`,
};

/** Items of a list in words: `a`, `a and b`, `a, b and c`. */
function listed(items: readonly string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** How a dialect's rates were taken, when over several rounds: each round's ratio. */
function roundsWords(rounds: readonly { api: number; hand: number }[]): string {
  return rounds.length <= 1
    ? ''
    : `; each side's mean over ${rounds.length} rounds, whose ratios read ` +
        listed(rounds.map((r) => ratio(r.api / r.hand)));
}

/** How the Parquet rate was taken, when over several runs: the median and the range. */
function runsWords(runs: readonly number[]): string {
  return runs.length <= 1
    ? ''
    : `; the median of ${runs.length} runs, ${count(Math.min(...runs))}–` +
        `${count(Math.max(...runs))} rows/s`;
}

/**
 * The ingest rows: each way of writing the lines against the hand-written loader of the same
 * lines, the Redis path, and the Parquet backfill against the NDJSON route.
 */
export function ingestRows(ingest: NonNullable<BenchResults['ingest']>): string[] {
  const lines: string[] = [];
  for (const d of ingest.dialects) {
    // The first row names the route and carries the absolute target too.
    const plain = d.dialect === 'stringify';
    const what = `ingest, ${plain ? 'POST /v1/ingest, ' : ''}${DIALECT_WORDS[d.dialect]}`;
    const target = plain
      ? `≥ ${count(TARGETS.ingestRowsPerSecond)} rows/s and ≥ ${ratio(TARGETS.ingestRatio)}`
      : `≥ ${ratio(TARGETS.ingestRatio)}`;
    if ('missing' in d) {
      lines.push(`| ${what} | not measured: ${d.missing} | | | | ${target} | not measured |`);
      continue;
    }
    const dialectRatio = d.apiRowsPerSecond / d.handRowsPerSecond;
    const fastEnough = !plain || d.apiRowsPerSecond >= TARGETS.ingestRowsPerSecond;
    lines.push(
      `| ${what} (${count(d.rows)} rows, batches of ${count(INGEST_BATCH_LINES)}, ` +
        `${INGEST_CLIENTS} clients${roundsWords(d.rounds)}) | ${count(d.apiRowsPerSecond)} rows/s | ` +
        `${count(d.handRowsPerSecond)} rows/s | ${ratio(dialectRatio)} | | ${target} | ` +
        `${verdict(fastEnough && dialectRatio >= TARGETS.ingestRatio)} |`,
    );
  }
  const plain = ingest.dialects.find((d) => d.dialect === 'stringify');
  const measured = plain !== undefined && !('missing' in plain) ? plain : undefined;
  if (ingest.redisRowsPerSecond !== undefined && measured !== undefined) {
    lines.push(
      `| ingest through Redis (BullMQ), JSON.stringify's lines, until stored | ` +
        `${count(ingest.redisRowsPerSecond)} rows/s | ${count(measured.handRowsPerSecond)} rows/s | ` +
        `${ratio(ingest.redisRowsPerSecond / measured.handRowsPerSecond)} | | (reported) | |`,
    );
  }
  const parquet = ingest.parquet;
  const backfill =
    `| backfill, POST /v1/import, the same rows as ${parquet.files} Parquet files written by ` +
    `ClickHouse (${count(parquet.rows)} rows, ${INGEST_CLIENTS} clients${runsWords(parquet.runs)}) | ` +
    `${count(parquet.rowsPerSecond)} rows/s |`;
  const target = `≥ ${ratio(TARGETS.backfillRatio)} the NDJSON route`;
  if (measured === undefined) {
    lines.push(`${backfill} | | | ${target} | not measured |`);
  } else {
    const backfillRatio = parquet.rowsPerSecond / measured.apiRowsPerSecond;
    lines.push(
      `${backfill} ${count(measured.apiRowsPerSecond)} rows/s (NDJSON route) | ` +
        `${ratio(backfillRatio)} | | ${target} | ${verdict(backfillRatio >= TARGETS.backfillRatio)} |`,
    );
  }
  return lines;
}

/** The cached-read row: the same liftReport again with nothing written, answered from memory. */
export function cachedReadRow(read: CachedRead): string {
  return (
    `| liftReport asked again, unchanged data (${read.reads} reads after a first of ` +
    `${ms(read.missMs)}) | p50 ${ms(read.p50Ms)}, p99 ${ms(read.p99Ms)} | | | | p50 ≤ 20 ms | ` +
    `${verdict(read.p50Ms <= TARGETS.cachedReadP50Ms)} |`
  );
}

/** An export's row: reported beside the measures, with no target (see BENCH_EXPORTS). */
export function exportRow(timing: ExportTiming): string {
  return (
    `| BI export \`${timing.dataset}\`, the last ${timing.days} days as CSV ` +
    `(median of ${timing.runsMs.length}, fastest ${ms(Math.min(...timing.runsMs))}, ` +
    `slowest ${ms(Math.max(...timing.runsMs))}; ${count(timing.rows)} rows) | ` +
    `${ms(timing.medianMs)} | | | | (reported) | |`
  );
}

/** The API's memory during the exports, which the queries' row does not cover. */
function exportsRssLine(exports: readonly ExportTiming[]): string {
  return (
    'API peak RSS per BI export, over its runs (read after the measures, and not counted in ' +
    `their row): ${exports
      .map((e) => `${e.dataset} ${e.days} days ${gib(e.peakRss)} (${gib(e.startRss)} at its start)`)
      .join(', ')}.`
  );
}

/**
 * A variant's ratio to the measure it is held to: against that measure's runs alternated with its
 * own when it was so timed, else against that measure's own row of the run.
 */
function relativeRatioOf(
  query: BenchResults['queries'][number],
  name: string,
  results: BenchResults,
): { ratio: number; text: string } | undefined {
  if (query.alternated?.measure === name) {
    const otherMs = median(query.alternated.runsMs);
    const relativeRatio = query.medianMs / otherMs;
    return {
      ratio: relativeRatio,
      text: `${ratio(relativeRatio)}, against ${ms(otherMs)} for ${name} in alternating runs`,
    };
  }
  const other = results.queries.find((q) => q.name === name);
  if (other === undefined) {
    return undefined;
  }
  const relativeRatio = query.medianMs / other.medianMs;
  return { ratio: relativeRatio, text: ratio(relativeRatio) };
}

/**
 * A measure's row: its median against its target, its baseline and, for a variant of another
 * measure (relativeTo), its ratio to that measure (relativeRatioOf).
 */
function queryRow(query: BenchResults['queries'][number], results: BenchResults): string {
  const measure = MEASURES.find((m) => m.name === query.name);
  const targetMs = measure?.targetMs ?? 3000;
  const queryRatio = query.medianMs / query.baseline.medianMs;
  const targets = [`≤ ${ms(targetMs)}`];
  let met = query.medianMs <= targetMs;
  if (measure?.targetRatio !== undefined) {
    targets.push(`≤ ${ratio(measure.targetRatio)}`);
    met &&= queryRatio <= measure.targetRatio;
  }
  const relative = measure?.relativeTo;
  if (relative !== undefined) {
    const relativeRatio = relativeRatioOf(query, relative.measure, results);
    targets.push(
      `≤ ${ratio(relative.ratio)} ${relative.measure}` +
        (relativeRatio === undefined ? ' (not timed)' : ` (${relativeRatio.text})`),
    );
    met &&= relativeRatio !== undefined && relativeRatio.ratio <= relative.ratio;
  }
  // a measure answered from built facts says so, with its time from the streams and the build's
  const facts =
    query.facts === undefined || measure?.facts === undefined
      ? ''
      : `; from the ${measure.facts.what}, built in ${query.facts.buildSeconds.toFixed(1)} s ` +
        `after the data settles; from the streams until then: ${ms(query.facts.streamsMedianMs)}`;
  // the best and the worst of its runs beside the median: a user's read is any one of them
  const spread = `, fastest ${ms(Math.min(...query.runsMs))}, slowest ${ms(Math.max(...query.runsMs))}`;
  return (
    `| ${query.name}, 30 days (median of ${query.runsMs.length}${spread}${facts}) | ${ms(query.medianMs)} | ` +
    `${ms(query.baseline.medianMs)} | ${ratio(queryRatio)} | ${ms(query.baseline.floorMs)} | ` +
    `${targets.join(' and ')} | ${verdict(met)} |`
  );
}

/** The API's peak RSS during each measure's runs, and during the runs from the streams. */
function peakRssLine(queries: BenchResults['queries'], repeats: number): string {
  const rss = (name: string, peak: number, start: number) =>
    `${name} ${gib(peak)} (${gib(start)} at its start)`;
  const each = queries.map(
    (q) =>
      rss(q.name, q.peakRss, q.startRss) +
      (q.alternated === undefined
        ? ''
        : ` over its ${q.runsMs.length} runs and ${q.alternated.measure}'s between them`),
  );
  const streams = queries.flatMap((q) =>
    q.facts === undefined ? [] : [rss(q.name, q.facts.streamsPeakRss, q.facts.streamsStartRss)],
  );
  return (
    `API peak RSS per measure, over its ${repeats} runs (memory an earlier measure left with the ` +
    `process counts too): ${each.join(', ')}` +
    (streams.length === 0
      ? '.'
      : `; before the facts are built, from the streams: ${streams.join(', ')}.`)
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
  if (ingest !== undefined) {
    lines.push(...ingestRows(ingest));
  }
  for (const query of results.queries) {
    lines.push(queryRow(query, results));
  }
  if (results.cachedRead !== undefined) {
    lines.push(cachedReadRow(results.cachedRead));
  }
  for (const timing of results.exports ?? []) {
    lines.push(exportRow(timing));
  }
  if (ingest !== undefined) {
    const ingestRss = Math.max(
      ...ingest.dialects.map((d) => ('missing' in d ? 0 : d.apiPeakRss)),
      ingest.redisApiPeakRss ?? 0,
      ingest.parquet.apiPeakRss,
    );
    lines.push(
      `| API peak RSS during ingest | ${gib(ingestRss)} | | | | ≤ 1.50 GiB | ${verdict(ingestRss <= TARGETS.rssBytes)} |`,
    );
  }
  if (results.queriesPeakRss !== undefined) {
    lines.push(
      `| API peak RSS during the queries (each measure's below the table) | ` +
        `${gib(results.queriesPeakRss)} | | | | ≤ 1.50 GiB | ` +
        `${verdict(results.queriesPeakRss <= TARGETS.rssBytes)} |`,
    );
  }
  const cc = results.concurrency;
  if (cc !== undefined) {
    lines.push(
      `| cheap query (\`triggers\`), ${plan.concurrencyClients} clients, ${plan.concurrencySeconds} s ` +
        `(${count(cc.requests)} requests, ${cc.errors + cc.non2xx} failed) | p50 ${ms(cc.p50Ms)}, ` +
        `p99 ${ms(cc.p99Ms)} | | | | p99 ≤ 100 ms | ${verdict(cc.p99Ms <= TARGETS.p99Ms && cc.errors + cc.non2xx === 0)} |`,
    );
  }
  if (results.queries.length > 0) {
    lines.push('', peakRssLine(results.queries, plan.repeats));
  }
  if (results.exports !== undefined && results.exports.length > 0) {
    lines.push('', exportsRssLine(results.exports));
  }
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
