import { AuditLogService } from '../../../libs/audit/index.js';
import { ApiKeysService, parseScopes } from '../../../libs/auth/index.js';
import type { AppConfig } from '../../../libs/config/index.js';
import { ClickHouseService, Migrator } from '../../../libs/storage/index.js';

/** Reads `--expires`: an ISO 8601 time, or a duration from now such as `90d` or `12h`. */
export function parseExpiry(text: string | undefined, now = Date.now()): Date | null {
  if (text === undefined) {
    return null;
  }
  const duration = /^(\d+)([dh])$/.exec(text.trim());
  if (duration?.[1] !== undefined) {
    const hours = Number(duration[1]) * (duration[2] === 'd' ? 24 : 1);
    return new Date(now + hours * 3_600_000);
  }
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at)) {
    throw new Error(
      `--expires: "${text}" is neither an ISO 8601 time (2027-01-31T00:00:00Z) nor a duration (90d, 12h)`,
    );
  }
  return new Date(at);
}

/**
 * `causeway keys create --tenant T --scopes ingest,read [--expires 90d]`: mints a key offline,
 * prints it once, and records the minting in the audit log (no acting key: the command line).
 */
export async function createKeyCommand(
  config: AppConfig,
  options: { tenant: string; scopes: string; expires?: string },
): Promise<void> {
  const scopes = parseScopes(options.scopes);
  const expiresAt = parseExpiry(options.expires);
  const clickhouse = new ClickHouseService(config);
  try {
    await new Migrator(clickhouse, undefined, config.env.CLICKHOUSE_CLUSTER).run();
    const keys = new ApiKeysService(config, clickhouse, new AuditLogService(clickhouse));
    const created = await keys.create(options.tenant, scopes, expiresAt);
    process.stdout.write(
      `${JSON.stringify({ key: created.key, keyId: created.keyId, tenantId: created.tenantId, scopes: created.scopes, expiresAt: created.expiresAt })}\n`,
    );
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}
