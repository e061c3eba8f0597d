import { resolve } from 'node:path';
import { AuditLogService } from '../../../libs/audit/index.js';
import type { AppConfig } from '../../../libs/config/index.js';
import { BackupService, isEmptyDirectory } from '../../../libs/lifecycle/index.js';
import { ClickHouseService, Migrator } from '../../../libs/storage/index.js';

const BACKUP_MUTATION = `mutation($to: String!, $base: String) {
  backup(to: $to, base: $base) { id to startedAt completedAt bytes }
}`;

/** Asks a running API to take the backup (it holds the embedded store, so only it can). */
async function backupThroughApi(
  url: string,
  key: string,
  to: string,
  base: string | undefined,
): Promise<unknown> {
  const response = await fetch(new URL('/graphql', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: BACKUP_MUTATION, variables: { to, base: base ?? null } }),
  });
  const body = (await response.json()) as {
    data?: { backup: unknown };
    errors?: { message: string }[];
  };
  if (body.errors !== undefined || body.data === undefined) {
    throw new Error(`the API refused the backup: ${body.errors?.[0]?.message ?? response.status}`);
  }
  return body.data.backup;
}

/**
 * `causeway backup --to DIR [--base DIR] [--url URL --key KEY]`: through the running API when
 * given its URL and the bootstrap admin key, else on the store directly (when no process holds
 * the embedded store, or on a server).
 */
export async function backupCommand(
  config: AppConfig,
  options: { to: string; base?: string; url?: string; key?: string },
): Promise<void> {
  const to = resolve(options.to);
  const base = options.base === undefined ? undefined : resolve(options.base);
  if (options.url !== undefined) {
    if (options.key === undefined) {
      throw new Error('--key: the bootstrap admin key is required with --url');
    }
    const taken = await backupThroughApi(options.url, options.key, to, base);
    process.stdout.write(`${JSON.stringify(taken)}\n`);
    return;
  }
  const clickhouse = new ClickHouseService(config);
  try {
    const backups = new BackupService(config, clickhouse, new AuditLogService(clickhouse));
    const taken = await backups.backup(to, base);
    process.stdout.write(`${JSON.stringify(taken)}\n`);
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}

/**
 * `causeway restore --from DIR`: fills an empty CAUSEWAY_DATA_DIR (or an empty database on the
 * configured server) from a backup, then applies the migrations the backup predates.
 */
export async function restoreCommand(config: AppConfig, options: { from: string }): Promise<void> {
  if (config.embedded && !isEmptyDirectory(resolve(config.env.CAUSEWAY_DATA_DIR))) {
    throw new Error(
      `CAUSEWAY_DATA_DIR (${resolve(config.env.CAUSEWAY_DATA_DIR)}) is not empty: restore fills an empty directory`,
    );
  }
  const clickhouse = new ClickHouseService(config);
  try {
    const backups = new BackupService(config, clickhouse, new AuditLogService(clickhouse));
    const restored = await backups.restore(resolve(options.from));
    const migrated = await new Migrator(clickhouse, undefined, config.env.CLICKHOUSE_CLUSTER).run();
    process.stdout.write(
      `${JSON.stringify({ restoredFrom: resolve(options.from), backupId: restored.manifest.id, tables: restored.tables, migrationsApplied: migrated.applied })}\n`,
    );
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}
