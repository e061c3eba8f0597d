import { loadMigrations } from '../storage/index.js';

/**
 * What an ALTER on a table names: the table itself on one node; on a cluster, the table on every
 * node (ON CLUSTER), its `_local` tables where the migration that created it says `shard by`
 * (a Distributed table holds no rows to delete or expire).
 */
export function alterTargets(cluster: string | undefined): (table: string) => string {
  if (cluster === undefined) {
    return (table) => table;
  }
  const targets = new Map<string, string>();
  for (const migration of loadMigrations()) {
    const created = /CREATE\s+TABLE\s+IF NOT EXISTS\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(migration.sql);
    const table = created?.[1];
    if (table !== undefined) {
      const local = migration.clusterLayout.kind === 'distributed' ? `${table}_local` : table;
      targets.set(table, `${local} ON CLUSTER '${cluster}'`);
    }
  }
  return (table) => targets.get(table) ?? `${table} ON CLUSTER '${cluster}'`;
}
