import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';

/** One migration file: `NNNN_<verb>_<object>.sql`. */
export interface Migration {
  version: number;
  name: string;
  file: string;
  sql: string;
  checksum: string;
  /** The `-- cluster:` header: how the table is laid out on a cluster. */
  clusterLayout: ClusterLayout;
}

export type ClusterLayout =
  { kind: 'distributed'; shardingKey: string } | { kind: 'replicated' } | { kind: 'none' };

const fileName = /^(\d{4})_([a-z][a-z0-9_]*)\.sql$/;

export function migrationsDirectory(): string {
  return join(projectRoot(), 'clickhouse', 'migrations');
}

function clusterLayoutOf(sql: string): ClusterLayout {
  const header = /^--\s*cluster:\s*(.+)$/m.exec(sql)?.[1]?.trim();
  if (header === undefined) {
    return { kind: 'none' };
  }
  const shard = /^shard by (.+)$/.exec(header);
  if (shard?.[1] !== undefined) {
    return { kind: 'distributed', shardingKey: shard[1] };
  }
  return { kind: 'replicated' };
}

/**
 * Reads the migration files in order. Refuses a directory where two files share a number or a
 * file is misnamed: the order of forward-only migrations must be unambiguous.
 */
export function loadMigrations(directory = migrationsDirectory()): Migration[] {
  const files = readdirSync(directory).filter((f) => f.endsWith('.sql'));
  const seen = new Map<number, string>();
  const migrations: Migration[] = [];
  for (const file of files.sort()) {
    const match = fileName.exec(file);
    if (match === null) {
      throw new Error(`migration file ${file} is not named NNNN_<verb>_<object>.sql`);
    }
    const version = Number(match[1]);
    const other = seen.get(version);
    if (other !== undefined) {
      throw new Error(`migrations ${other} and ${file} share the number ${match[1]}`);
    }
    seen.set(version, file);
    const sql = readFileSync(join(directory, file), 'utf8');
    migrations.push({
      version,
      name: match[2] ?? file,
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      clusterLayout: clusterLayoutOf(sql),
    });
  }
  return migrations;
}

/** Splits a file into statements at semicolons that end a line; comments stay with their statement. */
export function statementsOf(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.replace(/^--.*$/gm, '').trim().length > 0);
}

/**
 * The cluster variant of a single-node statement: tables get `ON CLUSTER`, Replicated engines and,
 * where the header says `shard by`, a `_local` table behind a `Distributed` table with that key.
 * Views are created on every node (ON CLUSTER) over the distributed tables.
 */
export function clusterStatement(
  statement: string,
  layout: ClusterLayout,
  cluster: string,
): string[] {
  const create =
    /CREATE\s+(TABLE|MATERIALIZED VIEW|VIEW)\s+IF NOT EXISTS\s+([A-Za-z_][A-Za-z0-9_]*)/;
  const match = create.exec(statement);
  if (match === null) {
    return replaceViewOnCluster(statement, cluster) ?? alterOnCluster(statement, layout, cluster);
  }
  const [, kind, table] = match;
  const onCluster = `ON CLUSTER '${cluster}'`;
  if (kind !== 'TABLE') {
    return [statement.replace(create, `CREATE ${kind} IF NOT EXISTS ${table} ${onCluster}`)];
  }
  const distributed = layout.kind === 'distributed';
  const localName = distributed ? `${table}_local` : table;
  const replicated = statement
    .replace(create, `CREATE TABLE IF NOT EXISTS ${localName} ${onCluster}`)
    .replace(
      /ENGINE\s*=\s*(Replacing|Aggregating|Summing)?MergeTree(\(([^)]*)\))?/,
      (_all, family: string | undefined, _args, args: string | undefined) => {
        const path = `'/clickhouse/tables/{shard}/{database}/${localName}', '{replica}'`;
        const rest = args !== undefined && args.trim() !== '' ? `, ${args}` : '';
        return `ENGINE = Replicated${family ?? ''}MergeTree(${path}${rest})`;
      },
    );
  if (!distributed) {
    return [replicated];
  }
  return [
    replicated,
    `CREATE TABLE IF NOT EXISTS ${table} ${onCluster} AS ${localName}\n` +
      `ENGINE = Distributed('${cluster}', currentDatabase(), ${localName}, ${layout.shardingKey})`,
  ];
}

/** A view replaced by a later migration (`CREATE OR REPLACE VIEW name`), on every node. */
function replaceViewOnCluster(statement: string, cluster: string): string[] | undefined {
  const replace = /CREATE\s+OR\s+REPLACE\s+VIEW\s+([A-Za-z_][A-Za-z0-9_]*)/;
  const view = replace.exec(statement)?.[1];
  return view === undefined
    ? undefined
    : [statement.replace(replace, `CREATE OR REPLACE VIEW ${view} ON CLUSTER '${cluster}'`)];
}

/**
 * The cluster variant of `ALTER TABLE name ...`: on every node (ON CLUSTER), against the `_local`
 * table where the header says `shard by`; a column added, dropped or modified is changed on the
 * distributed table too, which otherwise would not show it. Any other statement is unchanged.
 */
function alterOnCluster(statement: string, layout: ClusterLayout, cluster: string): string[] {
  const alter = /ALTER\s+TABLE\s+([A-Za-z_][A-Za-z0-9_]*)/;
  const match = alter.exec(statement);
  if (match === null) {
    return [statement];
  }
  const table = match[1];
  const onCluster = `ON CLUSTER '${cluster}'`;
  if (layout.kind !== 'distributed') {
    return [statement.replace(alter, `ALTER TABLE ${table} ${onCluster}`)];
  }
  const local = statement.replace(alter, `ALTER TABLE ${table}_local ${onCluster}`);
  const changesColumns = /\b(ADD|DROP|MODIFY)\s+COLUMN\b/.test(statement);
  return changesColumns
    ? [local, statement.replace(alter, `ALTER TABLE ${table} ${onCluster}`)]
    : [local];
}

/** Every statement of every migration, for one node or for a named cluster. */
export function planStatements(
  migrations: Migration[],
  cluster?: string,
): { migration: Migration; statements: string[] }[] {
  return migrations.map((migration) => {
    const single = statementsOf(migration.sql);
    const statements =
      cluster === undefined
        ? single
        : single.flatMap((s) => clusterStatement(s, migration.clusterLayout, cluster));
    return { migration, statements };
  });
}
