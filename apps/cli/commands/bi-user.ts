import { biUserStatements } from '../../../libs/bi/index.js';
import type { AppConfig } from '../../../libs/config/index.js';
import { ClickHouseService } from '../../../libs/storage/index.js';

/**
 * `causeway bi-user create --tenant T`: prints the SQL that gives tenant T a read-only ClickHouse
 * user limited to its rows; with --apply runs it on the configured server (CLICKHOUSE_URL) as the
 * configured user, which needs access management rights.
 */
export async function createBiUserCommand(
  config: AppConfig,
  options: { tenant: string; password?: string; apply?: boolean },
): Promise<void> {
  const plan = biUserStatements({
    tenantId: options.tenant,
    database: config.env.CLICKHOUSE_DATABASE,
    applicationUser: config.env.CLICKHOUSE_USER,
    password: options.password,
    cluster: config.env.CLICKHOUSE_CLUSTER,
  });
  if (options.apply !== true) {
    process.stdout.write(`${plan.statements.map((s) => `${s};`).join('\n')}\n`);
    process.stderr.write(`user ${plan.user}, password ${plan.password} (shown once)\n`);
    return;
  }
  if (config.embedded) {
    throw new Error(
      '--apply needs a ClickHouse server (CLICKHOUSE_URL): the embedded engine has no users',
    );
  }
  const clickhouse = new ClickHouseService(config);
  try {
    for (const statement of plan.statements) {
      await clickhouse.command('bi.create_user', statement);
    }
    process.stdout.write(
      `created ${plan.user} for tenant ${options.tenant}; password ${plan.password} (shown once)\n`,
    );
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}
