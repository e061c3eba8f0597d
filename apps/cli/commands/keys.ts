import { ApiKeysService, parseScopes, type Scope } from '../../../libs/auth/index.js';
import type { AppConfig } from '../../../libs/config/index.js';
import { ClickHouseService, Migrator } from '../../../libs/storage/index.js';

export interface CreateKeyOptions {
  tenant: string;
  scopes: string;
  /** Base URL of a running Causeway: the key is minted through its API (admin key needed). */
  url?: string;
  /** An admin key for `url` (default CAUSEWAY_ADMIN_KEY). */
  key?: string;
}

// The embedded engine lets one process hold a data directory; a second one meets this lock (the
// engine prints the lock to stderr and the client reports a connection it could not create).
const ENGINE_LOCK =
  /Cannot lock file|Another server instance in same directory|Failed to create connection for path/i;

function printKey(created: { key: string; keyId: string; tenantId: string; scopes: string[] }) {
  process.stdout.write(
    `${JSON.stringify({ key: created.key, keyId: created.keyId, tenantId: created.tenantId, scopes: created.scopes })}\n`,
  );
}

/** Mints the key through a running API's `createApiKey` mutation. */
async function createThroughApi(
  url: string,
  adminKey: string,
  tenant: string,
  scopes: Scope[],
): Promise<void> {
  const response = await fetch(`${url.replace(/\/$/, '')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({
      query: `mutation CreateKey($tenantId: ID!, $scopes: [Scope!]!) {
        createApiKey(tenantId: $tenantId, scopes: $scopes) { key keyId tenantId scopes } }`,
      variables: { tenantId: tenant, scopes },
    }),
  });
  const body = (await response.json()) as {
    data?: { createApiKey: { key: string; keyId: string; tenantId: string; scopes: string[] } };
    errors?: { message: string }[];
  };
  if (body.data?.createApiKey === undefined) {
    throw new Error(`${url} refused the key: ${body.errors?.map((e) => e.message).join('; ')}`);
  }
  printKey(body.data.createApiKey);
}

async function createOffline(config: AppConfig, tenant: string, scopes: Scope[]): Promise<void> {
  const clickhouse = new ClickHouseService(config);
  try {
    await new Migrator(clickhouse, undefined, config.env.CLICKHOUSE_CLUSTER).run();
    printKey(await new ApiKeysService(config, clickhouse).create(tenant, scopes));
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}

/**
 * `causeway keys create --tenant T --scopes ingest,read [--url U --key ADMIN]`: mints a key and
 * prints it once; through a running API with `--url`, else on the store directly. When a running
 * API holds the embedded store, it goes through that API on this machine's PORT with the admin
 * key (CAUSEWAY_ADMIN_KEY), or says how to.
 */
export async function createKeyCommand(
  config: AppConfig,
  options: CreateKeyOptions,
): Promise<void> {
  const scopes = parseScopes(options.scopes);
  const adminKey = options.key ?? config.env.CAUSEWAY_ADMIN_KEY;
  if (options.url !== undefined) {
    if (adminKey === undefined) {
      throw new Error('--url needs an admin key: --key <key> or CAUSEWAY_ADMIN_KEY');
    }
    return createThroughApi(options.url, adminKey, options.tenant, scopes);
  }
  try {
    await createOffline(config, options.tenant, scopes);
  } catch (error) {
    if (!(error instanceof Error) || !ENGINE_LOCK.test(`${error.message} ${String(error.cause)}`)) {
      throw error;
    }
    const url = `http://localhost:${config.env.PORT}`;
    if (adminKey === undefined) {
      throw new Error(
        `a running Causeway holds the store in ${config.env.CAUSEWAY_DATA_DIR}; mint the key through it: ` +
          `causeway keys create --tenant ${options.tenant} --scopes ${options.scopes} --url ${url} --key <admin key> ` +
          '(the demo prints an admin key on its last screen)',
        { cause: error },
      );
    }
    process.stderr.write(`the store is held by a running Causeway: minting through ${url}\n`);
    await createThroughApi(url, adminKey, options.tenant, scopes);
  }
}
