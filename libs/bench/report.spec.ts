import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchParts, benchPlan } from './plan.js';
import {
  cachedReadRow,
  exportRow,
  ingestRows,
  README_END,
  README_START,
  resultsTable,
  writeReadme,
} from './report.js';
import type { BenchResults } from './run.js';
import { median, percentile } from './timing.js';

describe('the benchmark plan', () => {
  it('scales persons and keeps 10 firings per person at scale 1', () => {
    const full = benchPlan({ dataDir: '/tmp/b' });
    expect(full).toMatchObject({ persons: 1_000_000, ingestPersons: 50_000, repeats: 5 });
    expect(full.storeDir).toBe('/tmp/b/store-1000000p-seed42');
    expect(benchPlan({ scale: 0.1, dataDir: '/tmp/b' }).persons).toBe(100_000);
    expect(() => benchPlan({ scale: 0 })).toThrow(RangeError);
  });

  it('takes the median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('takes nearest-rank percentiles', () => {
    // 1..50 shuffled: the 50th percentile is the 25th value, the 99th the 50th (ceil(49.5))
    const values = Array.from({ length: 50 }, (_, i) => ((i * 17) % 50) + 1);
    expect(percentile(values, 50)).toBe(25);
    expect(percentile(values, 99)).toBe(50);
    expect(percentile(values, 2)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile([], 50)).toThrow(RangeError);
    expect(() => percentile([1], 0)).toThrow(RangeError);
  });
});

describe('the cached-read row', () => {
  it('reports p50 and p99 of the repeated reads against the 20 ms target', () => {
    expect(cachedReadRow({ missMs: 1502.4, reads: 50, p50Ms: 3.4, p99Ms: 9.6 })).toBe(
      '| liftReport asked again, unchanged data (50 reads after a first of 1,502 ms) | ' +
        'p50 3 ms, p99 10 ms | | | | p50 ≤ 20 ms | met |',
    );
    expect(cachedReadRow({ missMs: 900, reads: 50, p50Ms: 20.6, p99Ms: 40 })).toContain(
      '| p50 21 ms, p99 40 ms | | | | p50 ≤ 20 ms | **not met** |',
    );
  });
});

describe('the BI export rows', () => {
  it('give the median of the runs, the fastest and the slowest, and the rows, with no target', () => {
    const row = exportRow({
      dataset: 'trigger_daily',
      days: 7,
      medianMs: 10_412.6,
      runsMs: [10_980.2, 10_412.6, 9_871.4],
      rows: 2_688,
      peakRss: 1.6 * 1024 ** 3,
      startRss: 1.2 * 1024 ** 3,
    });
    expect(row).toBe(
      '| BI export `trigger_daily`, the last 7 days as CSV (median of 3, fastest 9,871 ms, ' +
        'slowest 10,980 ms; 2,688 rows) | 10,413 ms | | | | (reported) | |',
    );
  });

  it('are part of a full run and of `--only exports`, and of no other partial run', () => {
    const names = ['liftReport'];
    expect(benchParts(undefined, names).exports).toBe(true);
    expect(benchParts('exports', names)).toEqual({
      ingest: false,
      measures: [],
      serving: false,
      exports: true,
    });
    for (const only of ['ingest', 'queries', 'liftReport']) {
      expect([only, benchParts(only, names).exports]).toEqual([only, false]);
    }
  });
});

describe('writeReadme', () => {
  it('replaces what lies between the markers and nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-readme-'));
    const readme = join(dir, 'README.md');
    writeFileSync(readme, `# X\n\n${README_START}\nold\n${README_END}\n\nafter\n`);
    expect(writeReadme('| new |', readme)).toBe(true);
    expect(readFileSync(readme, 'utf8')).toBe(
      `# X\n\n${README_START}\n| new |\n${README_END}\n\nafter\n`,
    );
    writeFileSync(readme, '# no markers\n');
    expect(writeReadme('| new |', readme)).toBe(false);
    expect(readFileSync(readme, 'utf8')).toBe('# no markers\n');
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('the ingest rows of the table', () => {
  it('compare each way of writing the lines with the hand loader, and Parquet with the NDJSON route', () => {
    const rows = ingestRows({
      dialects: [
        {
          dialect: 'stringify',
          rows: 1_000_000,
          apiRowsPerSecond: 120_000,
          handRowsPerSecond: 140_000,
          rounds: [
            { hand: 150_000, api: 110_000 },
            { hand: 130_000, api: 130_000 },
          ],
          apiPeakRss: 1,
        },
        { dialect: 'python', missing: 'python3 could not be run (spawnSync python3 ENOENT)' },
        {
          dialect: 'unknownField',
          rows: 1_000_000,
          apiRowsPerSecond: 70_000,
          handRowsPerSecond: 100_000,
          rounds: [{ hand: 100_000, api: 70_000 }],
          apiPeakRss: 1,
        },
      ],
      redisRowsPerSecond: 90_000,
      redisApiPeakRss: 1,
      parquet: {
        rows: 1_000_000,
        files: 12,
        rowsPerSecond: 400_000,
        runs: [350_000, 400_000, 452_000],
        apiPeakRss: 1,
      },
    });
    // 120/140 = 0.857 (rounds 110/150 = 0.733, 130/130 = 1), 70/100 = 0.70, 90/140 = 0.643,
    // 400/120 = 3.33
    expect(rows).toEqual([
      "| ingest, POST /v1/ingest, lines as JSON.stringify writes them (1,000,000 rows, batches of 10,000, 4 clients; each side's mean over 2 rounds, whose ratios read 0.73× and 1.00×) | 120,000 rows/s | 140,000 rows/s | 0.86× | | ≥ 100,000 rows/s and ≥ 0.80× | met |",
      "| ingest, the same lines as Python's json.dumps writes them (python3: sort_keys=True, `+00:00` times) | not measured: python3 could not be run (spawnSync python3 ENOENT) | | | | ≥ 0.80× | not measured |",
      '| ingest, the same lines with a field no stream knows (`"campaign_hint":"x"`) (1,000,000 rows, batches of 10,000, 4 clients) | 70,000 rows/s | 100,000 rows/s | 0.70× | | ≥ 0.80× | **not met** |',
      "| ingest through Redis (BullMQ), JSON.stringify's lines, until stored | 90,000 rows/s | 140,000 rows/s | 0.64× | | (reported) | |",
      '| backfill, POST /v1/import, the same rows as 12 Parquet files written by ClickHouse (1,000,000 rows, 4 clients; the median of 3 runs, 350,000–452,000 rows/s) | 400,000 rows/s | 120,000 rows/s (NDJSON route) | 3.33× | | ≥ 3.00× the NDJSON route | met |',
    ]);
  });

  it('holds the absolute target to the first row only, and says when Parquet falls short', () => {
    const [plain, , parquet] = ingestRows({
      dialects: [
        {
          dialect: 'stringify',
          rows: 10,
          apiRowsPerSecond: 90_000,
          handRowsPerSecond: 100_000,
          rounds: [{ hand: 100_000, api: 90_000 }],
          apiPeakRss: 1,
        },
        {
          dialect: 'unknownField',
          rows: 10,
          apiRowsPerSecond: 50,
          handRowsPerSecond: 60,
          rounds: [{ hand: 60, api: 50 }],
          apiPeakRss: 1,
        },
      ],
      parquet: { rows: 10, files: 1, rowsPerSecond: 200_000, runs: [200_000], apiPeakRss: 1 },
    });
    // 90,000 rows/s is 0.90× but under 100,000 rows/s; 50/60 = 0.83×; 200/90 = 2.22×
    expect(plain).toMatch(/ 0\.90× \| \| ≥ 100,000 rows\/s and ≥ 0\.80× \| \*\*not met\*\* \|$/);
    expect(parquet).toMatch(/ 2\.22× \| \| ≥ 3\.00× the NDJSON route \| \*\*not met\*\* \|$/);
  });
});

describe('a variant held to another measure', () => {
  const baseline = { name: '', medianMs: 2000, runsMs: [2000], floorMs: 900, rows: 1 };
  const timing = (name: string, runsMs: number[]) => ({
    name,
    medianMs: median(runsMs),
    runsMs,
    baseline: { ...baseline, name },
    peakRss: 1,
    startRss: 1,
  });
  const results = (bayesian: BenchResults['queries'][number]): BenchResults => ({
    plan: benchPlan({ dataDir: '/tmp/b' }),
    startedAt: new Date('2026-12-05T00:00:00Z'),
    engineVersion: '26.7.2.1',
    store: {
      counts: { triggers: 1, firings: 1, signals: 1, exposures: 1, outcomes: 1, consent: 1 },
      reused: true,
      buildSeconds: 0,
    },
    queries: [timing('liftReport', [1500, 1510, 1490, 1505, 1495]), bayesian],
    loadAverage: 1,
  });
  const row = (table: string) =>
    table.split('\n').find((line) => line.startsWith('| liftReport bayesian,')) ?? '';

  it('is compared with the runs of that measure alternated with its own', () => {
    // its own runs: median 1,700 ms; liftReport's alternated with them: median 1,600 ms, so
    // 1,700 / 1,600 = 1.0625 (against liftReport's own row, 1,700 / 1,500 = 1.13, not met)
    const bayesian = {
      ...timing('liftReport bayesian', [1700, 1650, 1800, 1690, 1710]),
      alternated: { measure: 'liftReport', runsMs: [1600, 1580, 1620, 1590, 1610] },
    };
    expect(row(resultsTable(results(bayesian)))).toMatch(
      / \| ≤ 2,000 ms and ≤ 1\.10× liftReport \(1\.06×, against 1,600 ms for liftReport in alternating runs\) \| met \|$/,
    );
  });

  it('gives the fastest and the slowest of its runs beside their median', () => {
    const bayesian = timing('liftReport bayesian', [1700.4, 1650.2, 1800.5, 1690, 1710]);
    // sorted: 1,650.2, 1,690, 1,700.4, 1,710, 1,800.5; the median 1,700.4 reads 1,700 ms
    expect(row(resultsTable(results(bayesian)))).toMatch(
      /^\| liftReport bayesian, 30 days \(median of 5, fastest 1,650 ms, slowest 1,801 ms\) \| 1,700 ms \| 2,000 ms \| 0\.85× \|/,
    );
  });

  it("falls back to that measure's own row when the two were not alternated", () => {
    const bayesian = timing('liftReport bayesian', [1700, 1650, 1800, 1690, 1710]);
    expect(row(resultsTable(results(bayesian)))).toMatch(
      / \| ≤ 2,000 ms and ≤ 1\.10× liftReport \(1\.13×\) \| \*\*not met\*\* \|$/,
    );
  });
});
