import { beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { generateProgram, type GeneratedProgram } from '../demo/index.js';
import { buildAssignmentRollup, LiftService, TrendFacts } from '../measurement/index.js';
import { seedRows } from '../measurement/testing.js';
import { MemoryDataVersions, type ClickHouseService } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import type { ErasureService } from './erasure.service.js';
import { erasureOn, rounded, withoutPersons } from './testing.js';

// A build of a derived table writes rows it read earlier: a statement that read a person's
// firings before an erasure deleted them, and committed after the erasure's last scan, would put
// the person back. Here the first statement of a build that writes `table` reads at once and
// commits only after an erasure has run whole, as such a statement would.

type Row = Record<string, unknown>;

/**
 * `clickhouse`, but the first statement tagged `tag` (an INSERT ... SELECT into `table`) lands in
 * a table of the same structure first, and in `table` only after `meanwhile` has run.
 */
function committingLate(
  clickhouse: ClickHouseService,
  tag: string,
  table: string,
  meanwhile: () => Promise<unknown>,
): ClickHouseService {
  let held = false;
  const late = Object.create(clickhouse) as ClickHouseService;
  late.command = async (commandTag, sql, params) => {
    if (commandTag !== tag || held) {
      return clickhouse.command(commandTag, sql, params);
    }
    held = true;
    const holding = `held_${table}`;
    await clickhouse.command('test.hold', `CREATE TABLE ${holding} AS ${table}`);
    const into = `INSERT INTO ${table} `;
    expect(sql).toContain(into);
    await clickhouse.command(commandTag, sql.replace(into, `INSERT INTO ${holding} `), params);
    await meanwhile();
    await clickhouse.command('test.commit', `INSERT INTO ${table} SELECT * FROM ${holding}`);
    await clickhouse.command('test.hold', `DROP TABLE ${holding}`);
  };
  return late;
}

/** A person with firings, outcomes and signals in the program. */
function personWithOutcomes(program: GeneratedProgram): string {
  const outcomes = new Set(
    (program.rows.outcomes as unknown as readonly Row[]).map((o) => o.person_id as string),
  );
  const fired = (program.rows.firings as unknown as readonly Row[]).map(
    (f) => f.person_id as string,
  );
  return fired.find((p) => outcomes.has(p))!;
}

describe('an erasure while a build of a derived table runs', () => {
  let erasure: ErasureService;
  let program: GeneratedProgram;
  const versions = new MemoryDataVersions();
  const store = storeForSuite();

  beforeAll(async () => {
    ({ erasure } = erasureOn(store, versions));
    program = generateProgram({ seed: 5, persons: 120 });
    await seedRows(store.clickhouse, 'full', program.rows);
    await new Promise((r) => setTimeout(r, 20));
  });

  /** Rows of `table` under the person's key, in every build. */
  async function keyedRows(table: string, person: string): Promise<number> {
    const [found] = await store.clickhouse.query({
      tag: 'test.keyed_rows',
      sql: `SELECT count() AS n FROM ${table} WHERE person_key = cityHash64({person:String})`,
      params: { person },
      row: z.object({ n: z.number() }),
    });
    return found.n;
  }

  it('leaves the erased person out of the assignment rollup and the lift it answers', async () => {
    const person = personWithOutcomes(program);
    await seedRows(store.clickhouse, 'without', withoutPersons(program, person));
    await new Promise((r) => setTimeout(r, 20));
    const late = committingLate(store.clickhouse, 'rollup.sequences', 'assignment_sequences', () =>
      erasure.erasePerson('full', person, true),
    );
    await buildAssignmentRollup(late, { marginMs: 0 });
    expect(await keyedRows('assignment_sequences', person)).toBe(0);
    expect(await keyedRows('assignment_firings', person)).toBe(0);
    // read from the build just recorded: as a tenant that was never sent the person
    const lift = new LiftService(store.clickhouse, store.config);
    const period = { from: program.period.from, to: program.period.to };
    const [full, without] = await Promise.all([
      lift.report('full', period),
      lift.report('without', period),
    ]);
    expect(JSON.stringify(full)).toContain('"persons"');
    // (a p-value near 1e-25 differs in its 12th digit from one summation order to another)
    expect(rounded(full, 10)).toEqual(rounded(without, 10));
  });

  it('leaves the erased person out of the trend facts', async () => {
    const first = personWithOutcomes(program);
    const firings = program.rows.firings as unknown as readonly Row[];
    // another person than the first test's, with facts to lose
    const person = firings.map((f) => f.person_id as string).findLast((p) => p !== first)!;
    await seedRows(store.clickhouse, 'without-both', withoutPersons(program, first, person));
    const facts = new TrendFacts(store.clickhouse, versions, store.config);
    await facts.build('full');
    expect(await keyedRows('trend_facts', person)).toBeGreaterThan(0);
    const late = committingLate(store.clickhouse, 'trend_facts.build', 'trend_facts', () =>
      erasure.erasePerson('full', person, true),
    );
    const build = await new TrendFacts(late, versions, store.config).build('full');
    expect(await keyedRows('trend_facts', person)).toBe(0);
    // the facts of a tenant that was never sent either person
    const expected = await facts.build('without-both');
    expect(expected.firings).toBeGreaterThan(0);
    expect(build.firings).toBe(expected.firings);
    expect(await facts.current('full')).toBe(build.buildId);
  });
});
