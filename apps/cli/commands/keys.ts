// Through a running API (--url) the command needs nothing but fetch: the key service, the engine
// and Nest load only to mint on the store itself, so `keys create --url` answers at once.
import type { Scope } from '../../../libs/auth/index.js';
import type { AppConfig } from '../../../libs/config/index.js';

export interface CreateKeyOptions {
  tenant: string;
  scopes: string;
  /** Base URL of a running Causeway: the key is minted through its API (admin key needed). */
  url?: string;
  /** An admin key for `url` (default CAUSEWAY_ADMIN_KEY). */
  key?: string;
  /** When the key stops working: an ISO 8601 time, or a duration such as `90d` or `12h`. */
  expires?: string;
}

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
 * `ingest,read` or `INGEST READ` as the scope names the API takes; whether each is a scope is
 * checked where the key is minted (parseScopes on the store, the Scope enum through the API).
 */
export function scopeNames(text: string): Scope[] {
  const names = text
    .split(/[\s,]+/)
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0);
  if (names.length === 0) {
    throw new Error('--scopes: at least one scope is required (ingest, read, erase, admin)');
  }
  return [...new Set(names)] as Scope[];
}

// The embedded engine lets one process hold a data directory; a second one is refused, naming the
// holder (DataDirectoryInUseError), or, when the holder cannot be read, meets this lock (the engine
// prints the lock to stderr and the client reports a connection it could not create).
const ENGINE_LOCK =
  /Cannot lock file|Another server instance in same directory|Failed to create connection for path/i;

interface MintedKey {
  key: string;
  keyId: string;
  tenantId: string;
  scopes: string[];
  expiresAt: Date | string | null;
}

function printKey(created: MintedKey) {
  const { key, keyId, tenantId, scopes, expiresAt } = created;
  process.stdout.write(`${JSON.stringify({ key, keyId, tenantId, scopes, expiresAt })}\n`);
}

/** Mints the key through a running API's `createApiKey` mutation. */
async function createThroughApi(
  url: string,
  adminKey: string,
  tenant: string,
  scopes: Scope[],
  expiresAt: Date | null,
): Promise<void> {
  // the API checks the scope names (GraphQL's Scope enum names a wrong one)
  const response = await fetch(`${url.replace(/\/$/, '')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({
      query: `mutation CreateKey($tenantId: ID!, $scopes: [Scope!]!, $expiresAt: DateTime) {
        createApiKey(tenantId: $tenantId, scopes: $scopes, expiresAt: $expiresAt) {
          key keyId tenantId scopes expiresAt } }`,
      variables: { tenantId: tenant, scopes, expiresAt: expiresAt?.toISOString() ?? null },
    }),
  });
  const body = (await response.json()) as {
    data?: { createApiKey: MintedKey };
    errors?: { message: string }[];
  };
  if (body.data?.createApiKey === undefined) {
    throw new Error(`${url} refused the key: ${body.errors?.map((e) => e.message).join('; ')}`);
  }
  printKey(body.data.createApiKey);
}

/** Mints the key on the store itself; the audit log records it with no acting key. */
async function createOffline(
  config: AppConfig,
  tenant: string,
  scopesText: string,
  expiresAt: Date | null,
): Promise<void> {
  const [{ AuditLogService }, { ApiKeysService, parseScopes }, { ClickHouseService, Migrator }] =
    await Promise.all([
      import('../../../libs/audit/index.js'),
      import('../../../libs/auth/index.js'),
      import('../../../libs/storage/index.js'),
    ]);
  const scopes = parseScopes(scopesText);
  const clickhouse = new ClickHouseService(config);
  try {
    await new Migrator(clickhouse, undefined, config.env.CLICKHOUSE_CLUSTER).run();
    const keys = new ApiKeysService(config, clickhouse, new AuditLogService(clickhouse));
    printKey(await keys.create(tenant, scopes, expiresAt));
  } finally {
    await clickhouse.onApplicationShutdown();
  }
}

/** A word as a shell reads it back: as it is when it holds no character the shell would act on. */
function shellWord(text: string): string {
  return /^[\w.,:+@%/=-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that mints, through the API at `url`, the key these options ask for: the same
 * tenant, scopes and expiry (as given: `90d` counts from when it is run), ready to paste.
 */
function sameKeyThrough(url: string, options: CreateKeyOptions, scopes: Scope[]): string {
  const expires = options.expires === undefined ? '' : ` --expires ${shellWord(options.expires)}`;
  const scopeList = scopes.map((scope) => scope.toLowerCase()).join(',');
  return `keys create --tenant ${shellWord(options.tenant)} --scopes ${shellWord(scopeList)}${expires} --url ${url}`;
}

/**
 * `causeway keys create --tenant T --scopes ingest,read [--expires 90d] [--url U --key ADMIN]`:
 * mints a key and
 * prints it once; through a running API with `--url`, else on the store directly. When a running
 * API holds the embedded store, it goes through that API on this machine's PORT with the admin
 * key (CAUSEWAY_ADMIN_KEY), or says how to.
 */
export async function createKeyCommand(
  config: AppConfig,
  options: CreateKeyOptions,
): Promise<void> {
  const scopes = scopeNames(options.scopes);
  const expiresAt = parseExpiry(options.expires);
  const adminKey = options.key ?? config.env.CAUSEWAY_ADMIN_KEY;
  if (options.url !== undefined) {
    if (adminKey === undefined) {
      throw new Error('--url needs an admin key: --key <key> or CAUSEWAY_ADMIN_KEY');
    }
    return createThroughApi(options.url, adminKey, options.tenant, scopes, expiresAt);
  }
  try {
    await createOffline(config, options.tenant, options.scopes, expiresAt);
  } catch (error) {
    // loaded by createOffline already
    const { DataDirectoryInUseError } = await import('../../../libs/storage/index.js');
    const held =
      error instanceof DataDirectoryInUseError ||
      (error instanceof Error && ENGINE_LOCK.test(`${error.message} ${String(error.cause)}`));
    if (!held) {
      throw error;
    }
    const url = `http://localhost:${config.env.PORT}`;
    if (adminKey === undefined) {
      throw new Error(
        `a running Causeway holds the store in ${config.env.CAUSEWAY_DATA_DIR}; mint the key through it: ` +
          `CAUSEWAY_ADMIN_KEY=<admin key> npm run -s causeway -- ${sameKeyThrough(url, options, scopes)} ` +
          '(the demo prints an admin key on its last screen)',
        { cause: error },
      );
    }
    process.stderr.write(`the store is held by a running Causeway: minting through ${url}\n`);
    await createThroughApi(url, adminKey, options.tenant, scopes, expiresAt);
  }
}
