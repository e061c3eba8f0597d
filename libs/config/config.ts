import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value));

// Database and cluster names are written into DDL (`ON CLUSTER '<name>'`, `<db>.<table>`), where
// no parameter can be bound: only a plain identifier is accepted.
const plainIdentifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'a plain identifier: letters, digits and "_", not starting with a digit',
  );

const retentionDays = optionalString.pipe(
  z
    .string()
    .regex(/^\d+$/, 'a whole number of days')
    .transform(Number)
    .pipe(z.number().int().min(1, 'at least 1 day'))
    .optional(),
);

/** The pepper used when CAUSEWAY_KEY_PEPPER is unset: fine on a laptop, refused in production. */
export const DEFAULT_KEY_PEPPER = 'causeway-default-pepper';

const bytes = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * Every environment variable Causeway reads, validated once at start.
 * Nothing else in the code base reads `process.env`.
 */
export const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CAUSEWAY_DATA_DIR: z.string().default('./data'),
  CLICKHOUSE_URL: optionalString.pipe(z.url().optional()),
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: plainIdentifier.default('default'),
  CLICKHOUSE_CLUSTER: optionalString.pipe(plainIdentifier.optional()),
  REDIS_URL: optionalString.pipe(z.url().optional()),
  CAUSEWAY_ADMIN_KEY: optionalString.pipe(z.string().min(16, 'at least 16 characters').optional()),
  CAUSEWAY_DEMO_KEY: optionalString.pipe(z.string().min(16, 'at least 16 characters').optional()),
  CAUSEWAY_KEY_PEPPER: z.string().default(DEFAULT_KEY_PEPPER),
  INGEST_MAX_BODY_BYTES: bytes(10 * 1024 * 1024),
  INGEST_MAX_ROWS: bytes(50_000),
  INGEST_MAX_FIELD_CHARS: bytes(4096),
  // Threads that validate ingest request bodies beside the API's own (libs/ingest/prepare-pool.ts):
  // `auto` is one fewer than the cores, 2 to 4; 0 validates on the API's thread.
  INGEST_WORKERS: z
    .union([z.literal('auto'), z.coerce.number().int().min(0).max(64)], {
      error: '`auto` or a number of threads from 0 to 64',
    })
    .default('auto'),
  INGEST_JOB_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  INGEST_JOB_BACKOFF_MS: z.coerce.number().int().min(1).default(1000),
  CAUSEWAY_RUN_WORKERS: z.enum(['auto', 'true', 'false']).default('auto'),
  REPORT_SNAPSHOT_CRON: z.string().trim().min(1).default('0 6 * * 1'),
  // unset: the PDF renderer looks for a browser (Debian's Chromium first)
  CHROMIUM_PATH: optionalString,
  // The report's revenue cap: a percentile as `99%`, an amount as `500`, `off` or unset for none
  // (checked by the reports' settings, which say what a bad value should look like).
  REPORT_REVENUE_CAP: optionalString,
  // Limits that keep one key or one request from starving the others (0 turns a rate limit off).
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(100).default(60_000),
  RATE_LIMIT_INGEST: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_QUERY: z.coerce.number().int().min(0).default(1200),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).default(10),
  GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(1000),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  // How often the API checks whether firings were written since the assignment rollup was built,
  // and builds it again if so (0 = never: lift and guardrails then read firings alone).
  ASSIGNMENT_ROLLUP_EVERY_MS: z.coerce.number().int().min(0).default(300_000),
  // How often the API looks for tenants whose trend facts are out of date and whose data version
  // has not moved since the previous look (their data settled), and builds their facts
  // (0 = never: triggerTrend then reads the streams).
  TREND_FACTS_EVERY_MS: z.coerce.number().int().min(0).default(60_000),
  // triggerLatency and triggerTrend over the streams (before the trend facts are built) run once
  // per group of triggers with at most this many sent firings in the period, to bound memory
  // (libs/measurement/common/trigger-parts.ts).
  STREAMS_PART_FIRINGS: z.coerce.number().int().min(1).default(2_000_000),
  // The persons (both arms) a trigger's confidence sequence is tuned for when its definition names
  // no planned_persons: fixed in advance, so that sequential intervals stay valid at every look.
  SEQUENTIAL_PLANNED_PERSONS: z.coerce.number().int().min(1).default(10_000),
  // How stale the in-memory trigger definitions may get when another process writes them (0 = off).
  TRIGGER_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5_000),
  // Megabytes (MiB) of measure answers kept in memory per process, keyed by the tenant's data
  // version so that any write of the tenant retires them; 0 turns the cache off.
  RESULT_CACHE_MB: z.coerce
    .number({ error: 'a number of megabytes' })
    .min(0, 'at least 0 (0 turns the cache off)')
    .default(64),
  // Telling people (docs/design.md §8): where share links point, webhook delivery, alerts and the digest.
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  WEBHOOK_ALLOW_PRIVATE: z.enum(['true', 'false']).default('false'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  // First retry delay; each next one doubles, for WEBHOOK_RETRY_WINDOW_MS after the first attempt.
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(1).default(30_000),
  WEBHOOK_RETRY_WINDOW_MS: z.coerce.number().int().min(0).default(86_400_000),
  ALERT_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(366).default(28),
  // How long a tenant's data must rest after its last ingest before alerts are evaluated (0 = off).
  ALERT_EVALUATE_EVERY_MS: z.coerce.number().int().min(0).default(60_000),
  SMTP_URL: optionalString.pipe(z.url().optional()),
  DIGEST_FROM: z.string().trim().min(3).default('Causeway <causeway@localhost>'),

  // Data lifecycle (docs/design.md §10). Days a stream's rows are kept, counted from their event time,
  // applied as ClickHouse TTLs when the store is migrated; unset keeps everything.
  RETENTION_DAYS_SIGNALS: retentionDays,
  // Refused: a definition has no event time, and one past an age would leave while its trigger
  // still fires, its measures falling back to the defaults (a TTL cannot keep the newest version).
  RETENTION_DAYS_TRIGGERS: optionalString.pipe(
    z
      .undefined({
        error:
          'not taken: trigger definitions are kept while their triggers fire (a live trigger defined longer ago would lose its definition, and its measures their windows and success types); unset it',
      })
      .optional(),
  ),
  RETENTION_DAYS_FIRINGS: retentionDays,
  RETENTION_DAYS_EXPOSURES: retentionDays,
  RETENTION_DAYS_OUTCOMES: retentionDays,
  RETENTION_DAYS_CONSENT: retentionDays,
  RETENTION_DAYS_SEGMENT: retentionDays,
  // Where the embedded engine may write and read backups (its `backups.allowed_path`); a backup
  // directory outside it is refused. A server has its own setting in its configuration.
  CAUSEWAY_BACKUP_ROOT: z.string().trim().min(1).default('/'),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Raised at start when the environment is invalid; lists every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The validated configuration the rest of the code receives. */
export class AppConfig {
  constructor(readonly env: Environment) {}

  get embedded(): boolean {
    return this.env.CLICKHOUSE_URL === undefined;
  }

  get queued(): boolean {
    return this.env.REDIS_URL !== undefined;
  }

  /** Where share links point: PUBLIC_URL, else this process's own address. */
  get publicUrl(): string {
    return (this.env.PUBLIC_URL ?? `http://localhost:${this.env.PORT}`).replace(/\/+$/, '');
  }

  /** In embedded mode one process owns the data directory, so the API also runs the processors. */
  get runsWorkersInProcess(): boolean {
    if (this.env.CAUSEWAY_RUN_WORKERS !== 'auto') {
      return this.env.CAUSEWAY_RUN_WORKERS === 'true';
    }
    return this.embedded;
  }
}

/**
 * The configuration from the process's environment over a command's own defaults (what the
 * environment sets wins), e.g. the demo's quieter log level.
 */
export function loadConfigOver(defaults: Record<string, string>): AppConfig {
  return loadConfig({ ...defaults, ...process.env });
}

/** Validates an environment (defaults to the process's) and returns the configuration. */
export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  // Key hashes and erased persons' hashes are keyed by the pepper: with a published default,
  // anyone holding a copy of the store could test guesses against them.
  if (
    (parsed.data?.NODE_ENV ?? source.NODE_ENV) === 'production' &&
    (parsed.data?.CAUSEWAY_KEY_PEPPER ?? source.CAUSEWAY_KEY_PEPPER ?? DEFAULT_KEY_PEPPER) ===
      DEFAULT_KEY_PEPPER
  ) {
    problems.push(
      'CAUSEWAY_KEY_PEPPER: the default key pepper is refused when NODE_ENV=production; set CAUSEWAY_KEY_PEPPER to a secret of at least 32 random characters (e.g. `openssl rand -base64 32`) and keep it: changing it invalidates every API key',
    );
  }
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(problems);
  }
  return new AppConfig(parsed.data);
}

/**
 * The environment a child process of ours (the benchmark's API and engine processes) inherits:
 * PATH, HOME and the like, to which the caller adds its own settings.
 */
export function inheritedEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}
