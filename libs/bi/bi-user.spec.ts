import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { expectParsed, storeForSuite } from '../storage/testing.js';
import { biUserStatements, type BiUserOptions } from './bi-user.js';

/** The plan of tenant acme, database default, application user causeway, as `options` change it. */
function planFor(options: Partial<BiUserOptions>) {
  return biUserStatements({
    tenantId: 'acme',
    database: 'default',
    applicationUser: 'causeway',
    ...options,
  });
}

function userOf(tenantId: string): string {
  return planFor({ tenantId }).user;
}

// Tenant ids as the tool accepts them; a small alphabet where "_", "-" and "." are frequent makes
// ids that differ only by those characters (the ones a lossy mapping would merge) common.
const tenantIds = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
  fc
    .array(fc.constantFrom('a', 'e', '_', '-', '.', 'h', 'd'), { minLength: 0, maxLength: 12 })
    .map((chars) => `a${chars.join('')}`),
);

describe('causeway bi-user create', () => {
  const store = storeForSuite();

  it('limits the user to its tenant with a row policy on every readable view and table', () => {
    const plan = planFor({ password: 'p' });
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
    const plan = planFor({ password: "x'y" });
    // the password is a value: quoted, its quote escaped
    expect(plan.statements.join('\n')).toContain("BY 'x\\'y'");
    expect(() => planFor({ tenantId: "o'hara" })).toThrow(/tenant/);
    expect(() => planFor({ database: 'x; DROP' })).toThrow(/plain identifier/);
    expect(() => planFor({ tenantId: 'a b' })).toThrow(/tenant/);
  });

  it('gives distinct tenants distinct users and row policies', () => {
    expect(userOf('acme_eu')).not.toBe(userOf('acme-eu'));
    expect(userOf('acme.eu')).not.toBe(userOf('acme-eu'));
    expect(userOf('acme_heu')).not.toBe(userOf('acme-eu'));
    fc.assert(
      fc.property(fc.uniqueArray(tenantIds, { minLength: 2, maxLength: 40 }), (ids) => {
        const plans = ids.map((tenantId) => planFor({ tenantId }));
        const policies = plans.map((p) => p.statements.find((s) => s.includes('ROW POLICY')));
        expect(new Set(plans.map((p) => p.user)).size).toBe(ids.length);
        expect(new Set(policies).size).toBe(ids.length);
        for (const plan of plans) {
          expect(plan.user).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the tenant id readable back from the user name', () => {
    // an independent decoder of the escapes: if it recovers every id, no two ids share a name
    const decode = (user: string): string =>
      user
        .slice('bi_'.length)
        .replace(/_(.)/g, (_, c: string) => ({ _: '_', h: '-', d: '.' })[c] ?? `?${c}`);
    fc.assert(
      fc.property(tenantIds, (id) => decode(userOf(id)) === id),
      { numRuns: 2000 },
    );
    expect(userOf('acme')).toBe('bi_acme');
  });

  it('generates statements the engine parses, also for a cluster', async () => {
    for (const cluster of [undefined, 'causeway']) {
      const plan = planFor({ tenantId: 'acme-eu.2_b', cluster });
      await expectParsed(store.clickhouse, plan.statements);
    }
  });
});
