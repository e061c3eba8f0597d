import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { fixtureRows, seedRows } from '../measurement/testing.js';
import { fixtureMeasures, guardrailRow, liftRow } from '../reports/testing.js';
import { projectRoot, statementsOf } from '../storage/index.js';
import { storeForSuite } from '../storage/testing.js';
import { BI_READABLE, biProfileSettingsList } from './bi-user.js';
import { BI_SPILL_SETTINGS } from './datasets.js';

const BI = join(projectRoot(), 'clickhouse', 'bi');
const VIEWS = [
  'bi_trigger_daily',
  'bi_lift',
  'bi_guardrails',
  'bi_consent_incidents',
  'bi_suppression_incidents',
  'bi_trigger_trend',
  'bi_triggers',
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

/**
 * The columns the BI README documents for each view, in the order of its tables, with their types:
 * a row names one or more columns (`x` (+ `_low`, `_high`) are three), and a row without a type
 * takes the types of the view it says it is "as in".
 */
function documentedColumns(): Map<string, [string, string][]> {
  const readme = readFileSync(join(BI, 'README.md'), 'utf8');
  const sections = readme.split(/^### `(bi_\w+)`$/m);
  const documented = new Map<string, [string, string][]>();
  for (let i = 1; i < sections.length; i += 2) {
    const columns: [string, string][] = [];
    // the section ends at the next heading of a higher level (## Exports)
    const section = sections[i + 1].split(/^## /m)[0];
    for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
      const [names, type, meaning] = line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim());
      const listed = [...names.matchAll(/`(\w+)`/g)].map((m) => m[1]);
      const all = names.includes('(+')
        ? [listed[0], `${listed[0]}_low`, `${listed[0]}_high`]
        : listed;
      const like = new Map(documented.get(/as in `(\w+)`/.exec(meaning)?.[1] ?? '') ?? []);
      columns.push(...all.map((name): [string, string] => [name, type || (like.get(name) ?? '')]));
    }
    documented.set(sections[i], columns);
  }
  return documented;
}

describe('BI access files', () => {
  const store = storeForSuite();
  // formatQuery parses with the server's grammar (the embedded engine itself has no users); it
  // throws on a statement that does not parse
  const formatted = async (sql: string) =>
    (
      await store.clickhouse.query({
        tag: 'test.parse_access',
        sql: 'SELECT formatQuery({sql:String}) AS formatted',
        params: { sql },
        row: z.object({ formatted: z.string() }),
      })
    )[0]?.formatted ?? '';

  it('has read-only user SQL the engine parses, granting the bi_* views and no secret table', async () => {
    const statements = statementsOf(readFileSync(join(BI, 'access', 'bi-tenant-user.sql'), 'utf8'));
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      const sql = statement.replace(/^--.*$/gm, '').trim();
      expect((await formatted(sql)).length).toBeGreaterThan(0);
      expect(sql).not.toMatch(/api_keys|rejected_events|schema_migrations/);
    }
    const text = statements.join('\n');
    for (const view of VIEWS) {
      expect(text).toContain(`GRANT SELECT ON default.${view} TO causeway_bi_reader`);
    }
    expect(text).toMatch(
      /CREATE ROW POLICY IF NOT EXISTS causeway_tenant_acme ON .* USING tenant_id = 'acme'/,
    );
    // the profile the file makes is the one `causeway bi-user` makes: bounds and spilling alike
    expect(text).toContain(
      `CREATE SETTINGS PROFILE IF NOT EXISTS causeway_bi_profile SETTINGS ${biProfileSettingsList()}`,
    );
    expect(biProfileSettingsList()).toContain('readonly = 2');
  });

  it('tells how to give an older profile the spill settings, in SQL the engine parses', async () => {
    const readme = readFileSync(join(BI, 'README.md'), 'utf8');
    const upgrade = /^ALTER SETTINGS PROFILE causeway_bi_profile .*;$/m.exec(readme)?.[0] ?? '';
    // MODIFY keeps the profile's other settings; the spill settings are those of the profile
    expect(await formatted(upgrade)).toBe(
      `ALTER SETTINGS PROFILE \`causeway_bi_profile\` MODIFY SETTINGS ${Object.entries(
        BI_SPILL_SETTINGS,
      )
        .map(([name, value]) => `${name} = ${value}`)
        .join(', ')}`,
    );
  });

  it('gives an older role the tables its views read since, in SQL the engine parses', async () => {
    const readme = readFileSync(join(BI, 'README.md'), 'utf8');
    const upgrade = [...readme.matchAll(/^(GRANT|CREATE ROW POLICY) .*;$/gm)].map((m) => m[0]);
    expect(upgrade).toEqual([
      'GRANT SELECT ON default.outcome_types TO causeway_bi_reader;',
      expect.stringMatching(
        /^CREATE ROW POLICY IF NOT EXISTS causeway_application ON default.outcome_types /,
      ),
      expect.stringMatching(
        /^CREATE ROW POLICY IF NOT EXISTS causeway_tenant_acme ON default.outcome_types /,
      ),
    ]);
    for (const sql of upgrade) {
      expect((await formatted(sql)).length).toBeGreaterThan(0);
    }
  });

  it('lists every bi_* view the migrations create, and grants the BI role each of them', async () => {
    const created = await store.clickhouse.query({
      tag: 'test.bi_views',
      sql: "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine = 'View' AND startsWith(name, 'bi_') ORDER BY name",
      row: z.object({ name: z.string() }),
    });
    expect(created.map((t) => t.name)).toEqual([...VIEWS].sort());
    expect(BI_READABLE.filter((t) => t.startsWith('bi_')).sort()).toEqual([...VIEWS].sort());
  });

  it('links each view to the migration in force, the last that creates or replaces it', () => {
    const migrations = join(projectRoot(), 'clickhouse', 'migrations');
    const files = readdirSync(migrations)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    const readme = readFileSync(join(BI, 'README.md'), 'utf8');
    for (const view of VIEWS) {
      const defines = new RegExp(`^CREATE (VIEW IF NOT EXISTS|OR REPLACE VIEW) ${view} AS`, 'm');
      const inForce = files.filter((f) => defines.test(readFileSync(join(migrations, f), 'utf8')));
      const linked = basename(readlinkSync(join(BI, 'views', `${view}.sql`)));
      expect([view, linked]).toEqual([view, inForce.at(-1)]);
      // the README's list of the migrations the links point at
      expect([view, readme]).toEqual([view, expect.stringMatching(`[\`/]${linked.slice(0, 4)}\``)]);
    }
  });

  it('grants the BI role every table a bi_* view reads, and limits each to the tenant', async () => {
    const tables = await store.clickhouse.query({
      tag: 'test.bi_tables',
      sql: "SELECT name FROM system.tables WHERE database = currentDatabase() AND engine != 'View'",
      row: z.object({ name: z.string() }),
    });
    const views = await store.clickhouse.query({
      tag: 'test.bi_view_sql',
      sql: "SELECT create_table_query AS sql FROM system.tables WHERE database = currentDatabase() AND engine = 'View' AND startsWith(name, 'bi_')",
      row: z.object({ sql: z.string() }),
    });
    // the tables named after FROM or JOIN in the views as the engine keeps them (a CTE is none)
    const isTable = new Set(tables.map((t) => t.name));
    const read = new Set(
      views
        .flatMap((v) => [...v.sql.matchAll(/\b(?:FROM|JOIN)\s+(?:\w+\.)?(\w+)/gi)])
        .map((m) => m[1])
        .filter((name) => isTable.has(name)),
    );
    expect(read.size).toBeGreaterThanOrEqual(7);
    const text = statementsOf(readFileSync(join(BI, 'access', 'bi-tenant-user.sql'), 'utf8'))
      .map((statement) => statement.replace(/^--.*$/gm, '').trim())
      .join('\n');
    const policyOn = (name: string) =>
      (
        new RegExp(`CREATE ROW POLICY IF NOT EXISTS ${name} ON (.*) FOR SELECT`).exec(text)?.[1] ??
        ''
      ).split(', ');
    const lacking = [...read]
      .sort()
      .flatMap((table) =>
        [
          text.includes(`GRANT SELECT ON default.${table} TO causeway_bi_reader`) ? [] : ['grant'],
          policyOn('causeway_tenant_acme').includes(`default.${table}`) ? [] : ['tenant policy'],
          policyOn('causeway_application').includes(`default.${table}`)
            ? []
            : ['application policy'],
          (BI_READABLE as readonly string[]).includes(table) ? [] : ['causeway bi-user'],
        ].flatMap((missing) => missing.map((what) => `${table}: ${what}`)),
      );
    expect(lacking).toEqual([]);
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

  it('documents every column of every view with the type a BI tool is given', async () => {
    const documented = documentedColumns();
    for (const view of VIEWS) {
      const described = await store.clickhouse.query({
        tag: 'test.describe_view',
        sql: `DESCRIBE TABLE ${view}`,
        row: z.object({ name: z.string(), type: z.string() }),
      });
      const sorted = (columns: [string, string][]) =>
        [...columns].sort(([a], [b]) => a.localeCompare(b));
      expect([view, sorted(documented.get(view) ?? [])]).toEqual([
        view,
        sorted(described.map((c): [string, string] => [c.name, c.type])),
      ]);
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

  it('charts the latency of a trigger that sends on two channels per channel', async () => {
    const rows = fixtureRows((when: string) => `2026-10-${when}Z`);
    // one trigger, three email firings acting 60 s after their signal, one push firing 600 s after
    // (no exposure: the latency runs to the decision)
    const firing = (id: string, channel: string, lagSeconds: number) =>
      rows.firing(id, 'two-channels', `p-${id}`, '10T12:00:00', {
        channel,
        signal_at: new Date(Date.parse('2026-10-10T12:00:00Z') - lagSeconds * 1000).toISOString(),
      });
    await seedRows(store.clickhouse, 'a', {
      triggers: [rows.trigger('two-channels', 'email')],
      firings: [
        firing('e1', 'email', 60),
        firing('e2', 'email', 60),
        firing('e3', 'email', 60),
        firing('s1', 'push', 600),
      ],
    });
    const panel = readDashboard().panels.find(
      (p) => p.title === 'Latency per day (median and 90th percentile)',
    );
    const charted = await store.clickhouse.query({
      tag: 'test.grafana_latency',
      sql: concrete(panel?.targets[0]?.rawSql ?? '').replace(
        "'cart-recovery-email'",
        "'two-channels'",
      ),
      row: z.record(z.string(), z.unknown()),
    });
    expect(charted.map((r) => [r.channel, r.p50_ms, r.p90_ms])).toEqual([
      ['email', 60_000, 60_000],
      ['push', 600_000, 600_000],
    ]);
  });

  it('never rounds a figure of its report tables across zero or the 0.05 of a q-value', async () => {
    // the newest report: a lift whose lower bound is +0.00004 points and whose q-value is just
    // under 0.05 (significant), and a harm whose lower bound is +0.00003 points
    const measures = fixtureMeasures();
    measures.lift = [
      liftRow('works', {
        absoluteLift: { estimate: 0.004, low: 0.0000004, high: 0.0079996 },
        qValue: 0.049996,
      }),
    ];
    measures.guardrails = [
      guardrailRow('works', 'overwhelm', { estimate: 0.0030003, half: 0.003 }, 'harm'),
    ];
    await store.clickhouse.insert({
      table: 'report_snapshots',
      tag: 'test.snapshot',
      rows: [
        {
          tenant_id: 'a',
          snapshot_id: 'rs_close_calls',
          kind: 'on_demand',
          period_from: '2026-10-01 00:00:00.000',
          period_to: '2026-10-31 12:00:00.000',
          created_at: '2026-11-02 10:00:00.000',
          measures: JSON.stringify(measures),
          html: '<!DOCTYPE html>',
        },
      ],
    });
    const table = async (title: string) => {
      const panel = readDashboard().panels.find((p) => p.title === title);
      return store.clickhouse.query({
        tag: 'test.grafana_table',
        sql: concrete(panel?.targets[0]?.rawSql ?? ''),
        row: z.record(z.string(), z.unknown()),
      });
    };
    const [lift] = await table('Lift per trigger, latest report');
    expect([lift.lift_pts, lift.low_pts, lift.high_pts, lift.q_value]).toEqual([
      '0.4',
      '0.00004',
      '0.8',
      '0.049996',
    ]);
    const [harm] = await table('Harm side, latest report');
    expect([harm.change_pts, harm.low_pts, harm.high_pts]).toEqual(['0.3', '0.00003', '0.6']);
  });
});
