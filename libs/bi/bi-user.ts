import { randomBytes } from 'node:crypto';
import { BI_SPILL_SETTINGS } from './datasets.js';

/** What the BI role may read: the curated views and the tables they read, nothing else. */
export const BI_READABLE = [
  'bi_trigger_daily',
  'bi_lift',
  'bi_guardrails',
  'bi_consent_incidents',
  'bi_suppression_incidents',
  'bi_trigger_trend',
  'bi_triggers',
  'triggers',
  'signals',
  'firings',
  'exposures',
  'outcomes',
  'consent',
  'outcome_types',
  'report_snapshots',
] as const;

/**
 * The settings profile of every BI user: reads only (`readonly = 2` still lets Grafana, Metabase
 * and Superset set their per-query settings), bounded in time, memory and rows so that a dashboard
 * cannot starve the ingest, and spilling to disk before the memory bound as the exports do.
 */
export const BI_PROFILE_SETTINGS = {
  readonly: '2',
  max_execution_time: '120',
  max_memory_usage: '4000000000',
  max_result_rows: '5000000',
  ...BI_SPILL_SETTINGS,
} as const;

/** The profile's settings as a statement lists them: `name = value, ...`. */
export function biProfileSettingsList(): string {
  return Object.entries(BI_PROFILE_SETTINGS)
    .map(([name, value]) => `${name} = ${value}`)
    .join(', ');
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const tenantPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface BiUserOptions {
  tenantId: string;
  database: string;
  /** The application's own ClickHouse user, which must keep reading every tenant. */
  applicationUser: string;
  /** Omitted: a random one, printed once with the SQL. */
  password?: string;
  cluster?: string;
}

export interface BiUserPlan {
  user: string;
  password: string;
  statements: string[];
}

/**
 * The tenant id as an identifier fragment, injectively: "_" becomes "__", "-" becomes "_h" and "."
 * becomes "_d", so `acme_eu` (`acme__eu`) and `acme-eu` (`acme_heu`) get different users and row
 * policies. Every "_" in the result opens a two-character escape, so the id can be read back.
 */
export function tenantIdentifier(tenantId: string): string {
  return tenantId.replace(/[_.-]/g, (c) => (c === '_' ? '__' : c === '-' ? '_h' : '_d'));
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The statements that give one tenant a read-only ClickHouse user limited to its rows by a row
 * policy on every view and table the BI role reads (server mode; clickhouse/bi/README.md explains
 * each step). Identifiers are checked, values quoted: nothing from the caller reaches the SQL raw.
 */
export function biUserStatements(options: BiUserOptions): BiUserPlan {
  if (!tenantPattern.test(options.tenantId)) {
    throw new Error(
      'tenant must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  for (const [name, value] of [
    ['database', options.database],
    ['application user', options.applicationUser],
    ...(options.cluster === undefined ? [] : [['cluster', options.cluster]]),
  ] as const) {
    if (!identifier.test(value)) {
      throw new Error(`${name} must be a plain identifier, got "${value}"`);
    }
  }
  const suffix = tenantIdentifier(options.tenantId);
  const user = `bi_${suffix}`;
  const password = options.password ?? randomBytes(18).toString('base64url');
  const on = options.cluster === undefined ? '' : ` ON CLUSTER '${options.cluster}'`;
  const tables = BI_READABLE.map((t) => `${options.database}.${t}`).join(', ');
  return {
    user,
    password,
    statements: [
      `CREATE ROLE IF NOT EXISTS causeway_bi_reader${on}`,
      ...BI_READABLE.map(
        (t) => `GRANT${on} SELECT ON ${options.database}.${t} TO causeway_bi_reader`,
      ),
      `CREATE SETTINGS PROFILE IF NOT EXISTS causeway_bi_profile${on} SETTINGS ${biProfileSettingsList()}`,
      `CREATE USER IF NOT EXISTS ${user}${on} IDENTIFIED WITH sha256_password BY ${quote(password)} SETTINGS PROFILE 'causeway_bi_profile'`,
      `GRANT${on} causeway_bi_reader TO ${user}`,
      `SET DEFAULT ROLE causeway_bi_reader TO ${user}`,
      `CREATE ROW POLICY IF NOT EXISTS causeway_tenant_${suffix}${on} ON ${tables} FOR SELECT USING tenant_id = ${quote(options.tenantId)} AS PERMISSIVE TO ${user}`,
      `CREATE ROW POLICY IF NOT EXISTS causeway_application${on} ON ${tables} FOR SELECT USING 1 AS PERMISSIVE TO ${options.applicationUser}`,
    ],
  };
}
