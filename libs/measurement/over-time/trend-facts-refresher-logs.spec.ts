// A trend facts build that the store refuses is logged with what failed and where, never with the
// store's message, which quotes the row it refused. The real refresher builds on the real embedded
// store, whose trend_facts were given a CHECK constraint that refuses one person's facts (as an
// operator or a later migration might): the engine's VIOLATED_CONSTRAINT names that person.

import { beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryDataVersions } from '../../storage/index.js';
import { storeForSuite } from '../../storage/testing.js';
import { loggedErrorsForSuite } from '../../testing/index.js';
import { failureChain, type LoggedFailure } from '../../errors/index.js';
import { fixtureRows, seedRows } from '../common/testing.js';
import { TrendFacts } from './trend-facts.js';
import { TrendFactsRefresher } from './trend-facts.refresher.js';

const PERSON = 'cust-4711';
const rows = fixtureRows((iso: string) => `2026-${iso}Z`);

describe('the trend facts refresher when the store refuses a build', () => {
  const store = storeForSuite();
  const errors = loggedErrorsForSuite();

  beforeAll(async () => {
    await seedRows(store.clickhouse, 'acme', {
      firings: [rows.firing('f1', 't1', PERSON, '10-01T10:00:00')],
    });
    await store.clickhouse.command(
      'test.refuse_a_person',
      `ALTER TABLE trend_facts ADD CONSTRAINT refuses_a_person
       CHECK person_key != cityHash64('${PERSON}')`,
    );
  });

  it('logs the tenant, the failure type, its tag and the engine error, and names no person', async () => {
    const versions = new MemoryDataVersions();
    const facts = new TrendFacts(store.clickhouse, versions, store.config);
    const refresher = new TrendFactsRefresher(store.config, facts, versions);
    // the first pass sees the tenant's version; the second, with it unchanged, builds
    expect(await refresher.refresh()).toEqual([]);
    expect(await refresher.refresh()).toEqual([]);

    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors)).not.toContain(PERSON);
    const [line] = errors;
    expect(line?.text).toBe('trend facts build failed');
    expect(line?.fields).toMatchObject({ tenantId: 'acme' });
    const failures = failureChain((line?.fields as { err: LoggedFailure }).err);
    expect(failures[0]).toMatchObject({ type: 'StorageException', code: 'STORAGE_QUERY_FAILED' });
    expect(failures[0]?.tag).toMatch(/^trend_facts\./);
    expect(failures.map((f) => f.engineError)).toContain('VIOLATED_CONSTRAINT');
    expect(failures[0]?.stack).toContain('TrendFacts.build');
  });
});
