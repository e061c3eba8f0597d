import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { fixtureMeasures, liftRow } from '../reports/testing.js';
import { projectRoot, statementsOf } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';

const BI = join(projectRoot(), 'clickhouse', 'bi');
const VIEWS = [
  'bi_trigger_daily',
  'bi_lift',
  'bi_guardrails',
  'bi_consent_incidents',
  'bi_suppression_incidents',
  'bi_trigger_trend',
];

interface GrafanaTarget {
  rawSql: string;
}
interface GrafanaDashboard {
  panels: { title: string; targets: GrafanaTarget[]; datasource: { uid: string } }[];
  templating: { list: { name: string; query: unknown }[] };
}

/** The dashboard's macros and variables, made concrete for one tenant and October 2026. */
function concrete(sql: string): string {
  return sql
    .replace(
      /\$__timeFilter\((\w+)\)/g,
      "$1 >= toDateTime64('2026-10-01 00:00:00', 3, 'UTC') AND $1 < toDateTime64('2026-11-01 00:00:00', 3, 'UTC')",
    )
    .replace(
      /\$__dateFilter\((\w+)\)/g,
      "$1 >= toDate('2026-10-01') AND $1 <= toDate('2026-10-31')",
    )
    .replace(/\$\{trigger:singlequote\}/g, "'cart-recovery-email'")
    .replace(/\$\{tenant\}/g, 'a');
}

function readDashboard(): GrafanaDashboard {
  return JSON.parse(
    readFileSync(join(BI, 'grafana', 'causeway-lift.json'), 'utf8'),
  ) as GrafanaDashboard;
}

describe('BI access files', () => {
  const store = storeForSuite();

  it('has read-only user SQL the engine parses, granting the bi_* views and no secret table', async () => {
    const statements = statementsOf(readFileSync(join(BI, 'access', 'bi-tenant-user.sql'), 'utf8'));
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      const sql = statement.replace(/^--.*$/gm, '').trim();
      // formatQuery parses with the server's grammar; the embedded engine itself has no users
      const parsed = await store.clickhouse.query({
        tag: 'test.parse_access',
        sql: 'SELECT formatQuery({sql:String}) AS formatted',
        params: { sql },
        row: z.object({ formatted: z.string() }),
      });
      expect(parsed[0]?.formatted.length).toBeGreaterThan(0);
      expect(sql).not.toMatch(/api_keys|rejected_events|schema_migrations/);
    }
    const text = statements.join('\n');
    for (const view of VIEWS) {
      expect(text).toContain(`GRANT SELECT ON default.${view} TO causeway_bi_reader`);
    }
    expect(text).toMatch(
      /CREATE ROW POLICY IF NOT EXISTS causeway_tenant_acme ON .* USING tenant_id = 'acme'/,
    );
    expect(text).toContain('readonly = 2');
  });

  it('links each view to the migration that creates it', () => {
    for (const view of VIEWS) {
      const sql = readFileSync(join(BI, 'views', `${view}.sql`), 'utf8');
      expect(sql).toMatch(new RegExp(`CREATE (VIEW IF NOT EXISTS|OR REPLACE VIEW) ${view} AS`));
    }
  });

  it('has a Grafana dashboard whose every query runs on the views', async () => {
    const dashboard = readDashboard();
    expect(dashboard.panels.length).toBeGreaterThan(5);
    const queries = [
      ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.rawSql)),
      ...dashboard.templating.list
        .map((v) => v.query)
        .filter((q): q is string => typeof q === 'string' && q.startsWith('SELECT')),
    ];
    for (const panel of dashboard.panels) {
      expect([panel.title, panel.datasource.uid]).toEqual([panel.title, '${datasource}']);
    }
    for (const sql of queries) {
      const relations = [...sql.matchAll(/\bFROM\s+(\w+)/g)].map((m) => m[1]);
      expect(relations.every((r) => r !== undefined && VIEWS.includes(r))).toBe(true);
      await expect(
        store.clickhouse.query({ tag: 'test.grafana', sql: concrete(sql), row: z.unknown() }),
      ).resolves.toBeDefined();
    }
  });

  it('adds up in its headline stats what the report’s headline adds up, from one report', async () => {
    // the newest report ending in the range: October, with the fixture's triggers (works 100
    // conversions and 5000 revenue, nothing 20 and 100, harms 10 and 50, srm, thin, paused) and
    // one live trigger whose holdout share changed during the period; the report's headline adds
    // up the live triggers it can read: works, nothing and harms
    const october = fixtureMeasures();
    october.triggers.push({ ...october.triggers[0], triggerId: 'shifted', name: 'Shifted' });
    october.lift.push(
      liftRow('shifted', {
        srm: { ...liftRow('shifted').srm, sharesInPeriod: [0.1, 0.2] },
        verdict: "holdout share changed: the period's firings name versions of its definition",
      }),
    );
    // a weekly report ending at the same instant, taken earlier: not the newest report
    const week = fixtureMeasures();
    const snapshot = (id: string, from: string, createdAt: string, measures: object) => ({
      tenant_id: 'a',
      snapshot_id: id,
      kind: 'weekly',
      period_from: from,
      period_to: '2026-10-31 00:00:00.000',
      created_at: createdAt,
      measures: JSON.stringify(measures),
      html: '<!DOCTYPE html>',
    });
    await store.clickhouse.insert({
      table: 'report_snapshots',
      tag: 'test.snapshot',
      rows: [
        snapshot('rs_week', '2026-10-24 00:00:00.000', '2026-11-02 06:00:00.000', week),
        snapshot('rs_october', '2026-10-01 00:00:00.000', '2026-11-02 09:30:00.000', october),
      ],
    });
    const stat = async (title: string) => {
      const panel = readDashboard().panels.find((p) => p.title === title);
      const rows = await store.clickhouse.query({
        tag: 'test.grafana_stat',
        sql: concrete(panel?.targets[0]?.rawSql ?? ''),
        row: z.record(z.string(), z.number()),
      });
      return Object.values(rows[0] ?? {});
    };
    expect(await stat('Incremental conversions, latest report')).toEqual([100 + 20 + 10]);
    expect(await stat('Incremental revenue, latest report')).toEqual([5000 + 100 + 50]);
  });
});
