import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gqlData, mintKey } from './support/client.js';
import { requirePart, startApi, type ApiProcess } from './support/processes.js';

const root = join(import.meta.dirname, '..');
const csv = join(root, '..', 'shared', 'data', 'hillstrom.csv');
const runs = requirePart(existsSync(csv) ? undefined : `the Hillstrom data set is not at ${csv}`);

interface Lift {
  variant: string | null;
  treatment: { persons: number; conversions: number; rate: number; revenuePerPerson: number };
  holdout: { persons: number; conversions: number; rate: number; revenuePerPerson: number };
  absoluteLift: { estimate: number; low: number; high: number };
  revenueLift: { estimate: number; low: number; high: number };
  srm: { flagged: boolean };
  verdict: string;
}

/**
 * The MineThatData e-mail experiment, loaded through the CLI importer and the real ingest route,
 * must reproduce the figures published for it (shared/data/README.md).
 */
(runs ? describe : describe.skip)('Hillstrom e-mail experiment through GraphQL', () => {
  let api: ApiProcess;
  let rows: Lift[];

  beforeAll(async () => {
    api = await startApi();
    const key = await mintKey(api.url, api.adminKey, 'hillstrom', ['INGEST', 'READ']);
    await promisify(execFile)(
      process.execPath,
      [
        join(root, 'dist/apps/cli/main.js'),
        'import',
        'hillstrom',
        csv,
        '--url',
        api.url,
        '--key',
        key,
      ],
      { cwd: root, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } },
    );
    const data = await gqlData<{ liftReport: Lift[] }>(
      api.url,
      key,
      `{ liftReport(from: "2008-03-01T00:00:00Z", to: "2008-03-15T00:00:00Z", groupBy: [VARIANT]) {
           variant verdict srm { flagged }
           treatment { persons conversions rate revenuePerPerson }
           holdout { persons conversions rate revenuePerPerson }
           absoluteLift { estimate low high } revenueLift { estimate low high } } }`,
    );
    rows = data.liftReport;
  });
  afterAll(async () => {
    await api?.dispose();
  });

  const variant = (name: string) => rows.find((r) => r.variant === name) as Lift;

  it('has the published group sizes and conversion rates', () => {
    expect(rows.map((r) => r.variant).sort()).toEqual(['mens', 'womens']);
    expect(variant('mens').treatment.persons).toBe(21_307);
    expect(variant('womens').treatment.persons).toBe(21_387);
    expect(variant('mens').holdout.persons).toBe(21_306);
    // 1.2531% / 0.8837% vs 0.5726%
    expect(variant('mens').treatment.rate * 100).toBeCloseTo(1.2531, 4);
    expect(variant('womens').treatment.rate * 100).toBeCloseTo(0.8837, 4);
    expect(variant('mens').holdout.rate * 100).toBeCloseTo(0.5726, 4);
    // spend per customer $1.4226 / $1.0772 vs $0.6528
    expect(variant('mens').treatment.revenuePerPerson).toBeCloseTo(1.4226, 4);
    expect(variant('womens').treatment.revenuePerPerson).toBeCloseTo(1.0772, 4);
    expect(variant('mens').holdout.revenuePerPerson).toBeCloseTo(0.6528, 4);
    expect(rows.every((r) => !r.srm.flagged)).toBe(true);
  });

  it('reproduces the spend-per-person lift and its interval', () => {
    // Mens − No E-Mail: $0.7698 [0.4851, 1.0545]; Womens − No E-Mail: $0.4244 [0.1690, 0.6799]
    const mens = variant('mens').revenueLift;
    const womens = variant('womens').revenueLift;
    expect([mens.estimate, mens.low, mens.high].map((v) => Number(v.toFixed(4)))).toEqual([
      0.7698, 0.4851, 1.0545,
    ]);
    expect([womens.estimate, womens.low, womens.high].map((v) => Number(v.toFixed(4)))).toEqual([
      0.4244, 0.169, 0.6799,
    ]);
  });

  it('reproduces the conversion lift in points', () => {
    // Mens: +0.681 pts [0.500, 0.861]; Womens: +0.311 pts [0.150, 0.472]
    const mens = variant('mens').absoluteLift;
    const womens = variant('womens').absoluteLift;
    expect([mens.estimate, mens.low, mens.high].map((v) => Number((v * 100).toFixed(3)))).toEqual([
      0.681, 0.5, 0.861,
    ]);
    expect(
      [womens.estimate, womens.low, womens.high].map((v) => Number((v * 100).toFixed(3))),
    ).toEqual([0.311, 0.15, 0.472]);
    expect(variant('mens').verdict).toBe('+0.68 pts [0.50, 0.86], significant');
  });
});
