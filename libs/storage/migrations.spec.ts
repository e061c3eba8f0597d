import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { loadMigrations, planStatements } from './migrations.js';
import { Migrator } from './migrator.js';
import { expectParsed, storeForSuite } from './testing.js';

describe('migration files', () => {
  it('refuses two files that share a number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'causeway-migrations-'));
    writeFileSync(join(dir, '0001_create_a.sql'), 'SELECT 1');
    writeFileSync(join(dir, '0001_create_b.sql'), 'SELECT 1');
    expect(() => loadMigrations(dir)).toThrow(/share the number 0001/);
  });

  it('refuses a misnamed file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'causeway-migrations-'));
    writeFileSync(join(dir, '12_create_a.sql'), 'SELECT 1');
    expect(() => loadMigrations(dir)).toThrow(/NNNN_<verb>_<object>/);
  });

  it('has unique numbers and a why-header in the real directory', () => {
    const migrations = loadMigrations();
    expect(new Set(migrations.map((m) => m.version)).size).toBe(migrations.length);
    for (const m of migrations) {
      expect(m.sql.trimStart().startsWith('--')).toBe(true);
    }
  });

  it('generates a cluster variant: replicated local tables behind distributed ones sharded by person', () => {
    const plan = planStatements(loadMigrations(), 'causeway');
    const firings = plan.find((p) => p.migration.name === 'create_firings');
    expect(firings?.statements).toHaveLength(2);
    const [local, distributed] = firings!.statements;
    expect(local).toContain("CREATE TABLE IF NOT EXISTS firings_local ON CLUSTER 'causeway'");
    expect(local).toContain(
      "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/firings_local', '{replica}', received_at)",
    );
    expect(distributed).toContain(
      "ENGINE = Distributed('causeway', currentDatabase(), firings_local, cityHash64(person_id))",
    );
    // a column added to a sharded table: on the local tables and on the distributed one, which
    // shows it; a mutation runs on the local tables only
    const inserted = plan.find((p) => p.migration.name === 'add_firings_inserted_at');
    expect(
      inserted?.statements.map((s) => /^ALTER TABLE \S+ ON CLUSTER 'causeway' \w+/m.exec(s)?.[0]),
    ).toEqual([
      "ALTER TABLE firings_local ON CLUSTER 'causeway' ADD",
      "ALTER TABLE firings ON CLUSTER 'causeway' ADD",
      "ALTER TABLE firings_local ON CLUSTER 'causeway' MATERIALIZE",
      "ALTER TABLE firings_local ON CLUSTER 'causeway' MODIFY",
      "ALTER TABLE firings ON CLUSTER 'causeway' MODIFY",
    ]);
    // a view replaced by a later migration is replaced on every node
    const replaced = plan.find((p) => p.migration.file === '0106_replace_bi_lift.sql');
    expect(replaced?.statements).toEqual([
      expect.stringContaining("CREATE OR REPLACE VIEW bi_lift ON CLUSTER 'causeway' AS"),
    ]);
    const keys = plan.find((p) => p.migration.name === 'create_api_keys');
    expect(keys?.statements).toHaveLength(1);
    expect(keys?.statements[0]).toContain('ReplicatedReplacingMergeTree(');
  });
});

describe('migrator on the embedded engine', () => {
  const store = storeForSuite();

  it('applied every migration once and records them', async () => {
    const rows = await store.clickhouse.query({
      tag: 'test.migrations',
      sql: 'SELECT count() AS n, uniqExact(version) AS versions FROM schema_migrations',
      row: z.object({ n: z.number(), versions: z.number() }),
    });
    expect(rows[0]).toEqual({ n: loadMigrations().length, versions: loadMigrations().length });
    const second = await new Migrator(store.clickhouse).run();
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(loadMigrations().length);
  });

  it('parses every cluster statement with the engine (EXPLAIN AST)', async () => {
    for (const { statements } of planStatements(loadMigrations(), 'causeway')) {
      await expectParsed(store.clickhouse, statements);
    }
  });
});
