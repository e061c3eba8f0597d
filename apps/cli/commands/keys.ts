import { ApiKeysService, parseScopes } from '../../../libs/auth/index.js';
import type { AppConfig } from '../../../libs/config/index.js';
import { ClickHouseService, Migrator } from '../../../libs/storage/index.js';

/** `causeway keys create --tenant T --scopes ingest,read`: mints a key offline and prints it once. */
export async function createKeyCommand(
  config: AppConfig,
  options: { tenant: string; scopes: string },
): Promise<void> {
  const scopes = parseScopes(options.scopes);
  const clickhouse = new ClickHouseService(config);
  try {
    await new Migrator(clickhouse, undefined, config.env.CLICKHOUSE_CLUSTER).run();
    const created = await new ApiKeysService(config, clickhouse).create(options.tenant, scopes);
    process.stdout.write(
      `${JSON.stringify({ key: created.key, keyId: created.keyId, tenantId: created.tenantId, scopes: created.scopes })}\n`,
    );
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}
