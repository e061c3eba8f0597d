import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPlan } from './plan.js';
import { README_END, README_START, writeReadme } from './report.js';
import { median } from './timing.js';

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
