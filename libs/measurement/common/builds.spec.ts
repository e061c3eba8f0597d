// A periodic build whose run fails is logged with what failed and where, not with the store's
// message, which quotes the row it refused: a refresher on the real embedded store whose run writes
// a row of a person that a CHECK constraint refuses (as an operator or a later migration might add).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failureChain, type LoggedFailure } from '../../errors/index.js';
import { storeForSuite, type TemporaryStore } from '../../storage/testing.js';
import { loggedErrorsForSuite, refusePerson, writeFiringOf } from '../../testing/index.js';
import { BuildRefresher } from './builds.js';

const PERSON = 'cust-4711';

/** A refresher started at once, every hour, whose run writes a firing of PERSON. */
class RefusedRefresher extends BuildRefresher<void> {
  constructor(private readonly store: TemporaryStore) {
    super('refused build', true);
  }

  protected everyMs(): number {
    return 3_600_000;
  }

  protected async refreshDue(): Promise<void> {
    await writeFiringOf(this.store.clickhouse, 'acme', PERSON, 'test.refused_firing');
  }
}

describe('a periodic build whose run the store refuses', () => {
  const store = storeForSuite();
  const errors = loggedErrorsForSuite();
  let refresher: RefusedRefresher | undefined;

  beforeAll(async () => {
    await refusePerson(store.clickhouse, 'firings', PERSON);
  });
  afterAll(async () => {
    await refresher?.onModuleDestroy();
  });

  it('logs the build and what failed where, and names no person', async () => {
    refresher = new RefusedRefresher(store);
    refresher.onApplicationBootstrap();
    for (let i = 0; i < 50 && errors.length === 0; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors)).not.toContain(PERSON);
    expect(errors[0]?.text).toBe('refused build: run failed');
    const failures = failureChain((errors[0]?.fields as { err: LoggedFailure }).err);
    expect(failures[0]).toMatchObject({
      type: 'StorageException',
      code: 'STORAGE_QUERY_FAILED',
      tag: 'test.refused_firing',
    });
    expect(failures.map((f) => f.engineError)).toContain('VIOLATED_CONSTRAINT');
  });
});
