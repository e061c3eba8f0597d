import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { openTemporaryStore, type TemporaryStore } from '../storage/testing.js';
import { biUserStatements } from './bi-user.js';

describe('causeway bi-user create', () => {
  let store: TemporaryStore;
  beforeAll(async () => {
    store = await openTemporaryStore();
  });
  afterAll(async () => {
    await store.dispose();
  });

  it('limits the user to its tenant with a row policy on every readable view and table', () => {
    const plan = biUserStatements({
      tenantId: 'acme',
      database: 'default',
      applicationUser: 'causeway',
      password: 'p',
    });
    expect(plan.user).toBe('bi_acme');
    const policy = plan.statements.find((s) =>
      s.startsWith('CREATE ROW POLICY IF NOT EXISTS causeway_tenant_acme'),
    );
    expect(policy).toContain("USING tenant_id = 'acme' AS PERMISSIVE TO bi_acme");
    expect(policy).toContain('default.firings');
    expect(policy).toContain('default.bi_lift');
    expect(plan.statements.join('\n')).not.toContain('api_keys');
    expect(plan.statements).toContain(
      'GRANT SELECT ON default.bi_trigger_daily TO causeway_bi_reader',
    );
  });

  it('quotes values and refuses identifiers that are not plain', () => {
    const plan = biUserStatements({
      tenantId: 'acme',
      database: 'default',
      applicationUser: 'causeway',
      password: "x'y",
    });
    // the password is a value: quoted, its quote escaped
    expect(plan.statements.join('\n')).toContain("BY 'x\\'y'");
    expect(() =>
      biUserStatements({ tenantId: "o'hara", database: 'default', applicationUser: 'causeway' }),
    ).toThrow(/tenant/);
    expect(() =>
      biUserStatements({ tenantId: 'acme', database: 'x; DROP', applicationUser: 'causeway' }),
    ).toThrow(/plain identifier/);
    expect(() =>
      biUserStatements({ tenantId: 'a b', database: 'default', applicationUser: 'causeway' }),
    ).toThrow(/tenant/);
  });

  it('generates statements the engine parses, also for a cluster', async () => {
    for (const cluster of [undefined, 'causeway']) {
      const plan = biUserStatements({
        tenantId: 'acme',
        database: 'default',
        applicationUser: 'causeway',
        cluster,
      });
      for (const statement of plan.statements) {
        await expect(
          store.clickhouse.query({
            tag: 'test.explain',
            sql: `EXPLAIN AST ${statement}`,
            row: z.unknown(),
          }),
        ).resolves.toBeDefined();
      }
    }
  });
});
