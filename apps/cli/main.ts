import 'reflect-metadata';
import { Command } from 'commander';
import { loadConfig } from '../../libs/config/index.js';
import type { CreateKeyOptions } from './commands/keys.js';

const program = new Command('causeway')
  .description('Causeway: what each signal produced, how fast, and whether it worked.')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending ClickHouse migrations (or print them)')
  .option('--print', 'print the SQL instead of applying it')
  .option('--cluster <name>', 'the cluster variant: ON CLUSTER, Replicated and Distributed tables')
  .action(async (options: { print?: boolean; cluster?: string }) =>
    (await import('./commands/migrate.js')).migrateCommand(loadConfig(), options),
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
  .action(async (options: CreateKeyOptions) =>
    (await import('./commands/keys.js')).createKeyCommand(loadConfig(), options),
  );

program
  .command('backup')
  .description("back up the whole store with the engine's BACKUP (incremental with --base)")
  .requiredOption('--to <dir>', 'a new directory on the machine that serves')
  .option('--base <dir>', 'an earlier backup: write only what changed since')
  .option('--url <url>', 'base URL of the running API that holds the store (with --key)')
  .option('--key <key>', 'the bootstrap admin key (CAUSEWAY_ADMIN_KEY), with --url')
  .action(async (options: { to: string; base?: string; url?: string; key?: string }) =>
    (await import('./commands/backup.js')).backupCommand(loadConfig(), options),
  );

program
  .command('restore')
  .description('fill an empty CAUSEWAY_DATA_DIR (or an empty server database) from a backup')
  .requiredOption('--from <dir>', 'the backup directory')
  .action(async (options: { from: string }) =>
    (await import('./commands/backup.js')).restoreCommand(loadConfig(), options),
  );

program
  .command('demo')
  .description('load the demo program through the ingest API (on an empty store), then serve')
  .option('--persons <n>', 'persons in the demo program', '50000')
  .option('--seed <n>', 'generator seed', '42')
  .option('--no-serve', 'load and exit instead of serving')
  .action(async (options: { persons: string; seed: string; serve: boolean }) =>
    (await import('./commands/demo.js')).demoCommand(loadConfig(), {
      persons: Number(options.persons),
      seed: Number(options.seed),
      serve: options.serve,
    }),
  );

const importCommand = program
  .command('import')
  .description('import a public data set, or backfill a stream, through the API');

importCommand
  .command('rows <files...>')
  .description('backfill one stream from Parquet or CSV files (read by ClickHouse)')
  .requiredOption('--stream <stream>', 'the stream the rows belong to')
  .option('--tenant <tenant>', 'tenant to load into, in-process')
  .option('--url <url>', 'base URL of a running Causeway server (with --key)')
  .option('--key <key>', 'API key with the ingest scope (required with --url)')
  .action(
    async (
      files: string[],
      options: { stream: string; tenant?: string; url?: string; key?: string },
    ) =>
      (await import('./commands/import-rows.js')).importRowsCommand(loadConfig(), files, options),
  );

importCommand
  .command('hillstrom <csv>')
  .description('the MineThatData e-mail experiment (Hillstrom 2008): one trigger, 64,000 customers')
  .option('--tenant <tenant>', 'tenant to load into, in-process (default: hillstrom)')
  .option('--url <url>', 'base URL of a running Causeway server (with --key)')
  .option('--key <key>', 'API key with the ingest scope (required with --url)')
  .action(async (csv: string, options: { tenant?: string; url?: string; key?: string }) =>
    (await import('./commands/import.js')).importHillstromCommand(loadConfig(), csv, options),
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
  .action(async (options: { tenant: string; password?: string; apply?: boolean }) =>
    (await import('./commands/bi-user.js')).createBiUserCommand(loadConfig(), options),
  );

program
  .command('bench')
  .description('benchmark the 10-million-firing program: ingest, queries, memory, concurrency')
  .option('--scale <n>', 'share of the full program (1 = 1M persons, 10M firings)', '1')
  .option('--seed <n>', 'generator seed', '42')
  .option('--data-dir <dir>', 'where the measured and scratch stores live (default data/bench)')
  .option('--no-readme', 'print the table without writing it into README.md')
  .action(async (options: { scale: string; seed: string; dataDir?: string; readme: boolean }) =>
    (await import('./commands/bench.js')).benchCommand(options),
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
