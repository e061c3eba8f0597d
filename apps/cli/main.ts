import { Command } from 'commander';
import type { AppConfig } from '../../libs/config/index.js';
import type { CreateKeyOptions } from './commands/keys.js';

// Nothing but commander loads before a command runs: each action imports its own code, and with
// it Nest, the engine and the configuration, so `--help` or a mistyped command answers at once
// and a command pays only for what it uses.

/**
 * Runs a command's code with the validated configuration, loaded with Nest's metadata shim before
 * the command's module (a decorated class needs the shim when it loads).
 */
/** Runs a command with the configuration from the environment, over the command's own defaults. */
async function withConfig<T>(
  run: (config: AppConfig) => Promise<T>,
  defaults: Record<string, string> = {},
): Promise<T> {
  await import('reflect-metadata');
  const { loadConfigOver } = await import('../../libs/config/index.js');
  return run(loadConfigOver(defaults));
}

// A command that starts an API in its own process (the demo, an import on the store) speaks to a
// person: the framework's start-up and request lines stay out unless LOG_LEVEL asks for them.
const QUIET_API = { LOG_LEVEL: 'warn' };

const program = new Command('causeway')
  .description('Causeway: what each signal produced, how fast, and whether it worked.')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending ClickHouse migrations (or print them)')
  .option('--print', 'print the SQL instead of applying it')
  .option('--cluster <name>', 'the cluster variant: ON CLUSTER, Replicated and Distributed tables')
  .action((options: { print?: boolean; cluster?: string }) =>
    withConfig(async (config) =>
      (await import('./commands/migrate.js')).migrateCommand(config, options),
    ),
  );

program
  .command('keys')
  .description('manage API keys')
  .command('create')
  .description('mint an API key and print it once')
  .requiredOption('--tenant <tenant>', 'tenant the key belongs to')
  .requiredOption('--scopes <scopes>', 'comma-separated: ingest, read, erase, admin')
  .option('--expires <when>', 'when the key stops working: an ISO 8601 time, or 90d, 12h from now')
  .option('--url <url>', 'base URL of a running Causeway: mint through its API')
  .option('--key <key>', 'admin key for --url (default CAUSEWAY_ADMIN_KEY)')
  .action((options: CreateKeyOptions) =>
    withConfig(async (config) =>
      (await import('./commands/keys.js')).createKeyCommand(config, options),
    ),
  );

program
  .command('backup')
  .description("back up the whole store with the engine's BACKUP (incremental with --base)")
  .requiredOption('--to <dir>', 'a new directory on the machine that serves')
  .option('--base <dir>', 'an earlier backup: write only what changed since')
  .option('--url <url>', 'base URL of the running API that holds the store (with --key)')
  .option('--key <key>', 'the bootstrap admin key (CAUSEWAY_ADMIN_KEY), with --url')
  .action((options: { to: string; base?: string; url?: string; key?: string }) =>
    withConfig(async (config) =>
      (await import('./commands/backup.js')).backupCommand(config, options),
    ),
  );

program
  .command('restore')
  .description('fill an empty CAUSEWAY_DATA_DIR (or an empty server database) from a backup')
  .requiredOption('--from <dir>', 'the backup directory')
  .action((options: { from: string }) =>
    withConfig(async (config) =>
      (await import('./commands/backup.js')).restoreCommand(config, options),
    ),
  );

program
  .command('demo')
  .description('load the demo program through the ingest API (on an empty store), then serve')
  .option('--persons <n>', 'persons in the demo program', '50000')
  .option('--seed <n>', 'generator seed', '42')
  .option('--no-serve', 'load and exit instead of serving')
  .action(function (this: Command, options: { persons: string; seed: string; serve: boolean }) {
    // the options given on the command line, which a store already loaded does not follow
    const given = (['persons', 'seed'] as const).filter(
      (name) => this.getOptionValueSource(name) === 'cli',
    );
    return withConfig(
      async (config) =>
        (await import('./commands/demo.js')).demoCommand(config, {
          persons: Number(options.persons),
          seed: Number(options.seed),
          serve: options.serve,
          given: given.map((name) => `--${name} ${options[name]}`),
        }),
      QUIET_API,
    );
  });

const importCommand = program
  .command('import')
  .description('import a public data set, or backfill a stream, through the API');

importCommand
  .command('rows <files...>')
  .description('backfill one stream from Parquet, CSV or gzipped CSV files (read by ClickHouse)')
  .requiredOption('--stream <stream>', 'the stream the rows belong to')
  .option('--tenant <tenant>', 'tenant to load into, in-process')
  .option('--url <url>', 'base URL of a running Causeway server (with --key)')
  .option('--key <key>', 'API key with the ingest scope (required with --url)')
  .action(
    (files: string[], options: { stream: string; tenant?: string; url?: string; key?: string }) =>
      withConfig(
        async (config) =>
          (await import('./commands/import-rows.js')).importRowsCommand(config, files, options),
        QUIET_API,
      ),
  );

importCommand
  .command('hillstrom <csv>')
  .description('the MineThatData e-mail experiment (Hillstrom 2008): one trigger, 64,000 customers')
  .option('--tenant <tenant>', 'tenant to load into, in-process (default: hillstrom)')
  .option('--url <url>', 'base URL of a running Causeway server (with --key)')
  .option('--key <key>', 'API key with the ingest scope (required with --url)')
  .action((csv: string, options: { tenant?: string; url?: string; key?: string }) =>
    withConfig(
      async (config) =>
        (await import('./commands/import.js')).importHillstromCommand(config, csv, options),
      QUIET_API,
    ),
  );

program
  .command('bi-user')
  .description('read-only BI users for a ClickHouse server')
  .command('create')
  .description(
    'print (or --apply) the SQL of a read-only user limited to one tenant by row policies',
  )
  .requiredOption('--tenant <tenant>', 'the tenant whose rows the user may read')
  .option('--password <password>', "the user's password (default: random, shown once)")
  .option('--apply', 'run the statements on the configured server instead of printing them')
  .action((options: { tenant: string; password?: string; apply?: boolean }) =>
    withConfig(async (config) =>
      (await import('./commands/bi-user.js')).createBiUserCommand(config, options),
    ),
  );

program
  .command('bench')
  .description('benchmark the 10-million-firing program: ingest, queries, memory, concurrency')
  .option('--scale <n>', 'share of the full program (1 = 1M persons, 10M firings)', '1')
  .option('--seed <n>', 'generator seed', '42')
  .option('--data-dir <dir>', 'where the measured and scratch stores live (default data/bench)')
  .option('--no-readme', 'print the table without writing it into README.md')
  .option(
    '--only <part>',
    'measure only `ingest`, `queries`, `exports`, or the named measures (comma-separated); README left alone',
  )
  .action(
    async (options: {
      scale: string;
      seed: string;
      dataDir?: string;
      readme: boolean;
      only?: string;
    }) => (await import('./commands/bench.js')).benchCommand(options),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // a network failure's message ("fetch failed") says nothing; its cause says what failed
  const cause =
    error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  process.stderr.write(
    `causeway: ${error instanceof Error ? error.message : String(error)}${cause}\n`,
  );
  process.exit(1);
}
