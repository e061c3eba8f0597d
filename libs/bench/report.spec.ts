import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan } from './plan.js';
import { cachedReadRow, README_END, README_START, writeReadme } from './report.js';
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
