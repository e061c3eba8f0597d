import type { AppConfig } from '../../../libs/config/index.js';
import { applyRetention } from '../../../libs/lifecycle/index.js';
import {
  ClickHouseService,
  loadMigrations,
  Migrator,
  planStatements,
} from '../../../libs/storage/index.js';

/** `causeway migrate`: applies pending migrations, or prints the SQL (for a cluster with --cluster). */
export async function migrateCommand(
  config: AppConfig,
  options: { print?: boolean; cluster?: string },
): Promise<void> {
  const cluster = options.cluster ?? config.env.CLICKHOUSE_CLUSTER;
  if (options.print === true) {
    for (const { migration, statements } of planStatements(loadMigrations(), cluster)) {
      process.stdout.write(
        `-- ${migration.file}\n${statements.map((s) => `${s};\n`).join('\n')}\n`,
      );
    }
    return;
  }
  const clickhouse = new ClickHouseService(config);
  try {
    const report = await new Migrator(clickhouse, undefined, cluster).run();
    const applied =
      report.applied.length === 0 ? 'nothing to apply' : `applied ${report.applied.join(', ')}`;
    process.stdout.write(`migrations: ${applied} (${report.alreadyApplied} already applied)\n`);
    const retention = await applyRetention(clickhouse, config);
    for (const [table, days] of Object.entries(retention)) {
      process.stdout.write(
        `retention: ${table} ${days === null ? 'kept whole' : `${days} days`}\n`,
      );
    }
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}
