import 'reflect-metadata';
import { Command } from 'commander';
import { loadConfig } from '../../libs/config/index.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { benchCommand } from './commands/bench.js';
import { createBiUserCommand } from './commands/bi-user.js';
import { demoCommand } from './commands/demo.js';
import { importRowsCommand } from './commands/import-rows.js';
import { importHillstromCommand } from './commands/import.js';
import { createKeyCommand, type CreateKeyOptions } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';

const program = new Command('causeway')
  .description('Causeway: what each signal produced, how fast, and whether it worked.')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending ClickHouse migrations (or print them)')
  .option('--print', 'print the SQL instead of applying it')
  .option('--cluster <name>', 'the cluster variant: ON CLUSTER, Replicated and Distributed tables')
  .action((options: { print?: boolean; cluster?: string }) =>
    migrateCommand(loadConfig(), options),
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
  .action((options: CreateKeyOptions) => createKeyCommand(loadConfig(), options));

program
  .command('backup')
  .description("back up the whole store with the engine's BACKUP (incremental with --base)")
  .requiredOption('--to <dir>', 'a new directory on the machine that serves')
  .option('--base <dir>', 'an earlier backup: write only what changed since')
  .option('--url <url>', 'base URL of the running API that holds the store (with --key)')
  .option('--key <key>', 'the bootstrap admin key (CAUSEWAY_ADMIN_KEY), with --url')
  .action((options: { to: string; base?: string; url?: string; key?: string }) =>
    backupCommand(loadConfig(), options),
  );

program
  .command('restore')
  .description('fill an empty CAUSEWAY_DATA_DIR (or an empty server database) from a backup')
  .requiredOption('--from <dir>', 'the backup directory')
  .action((options: { from: string }) => restoreCommand(loadConfig(), options));

program
  .command('demo')
  .description('load the demo program through the ingest API (on an empty store), then serve')
  .option('--persons <n>', 'persons in the demo program', '50000')
  .option('--seed <n>', 'generator seed', '42')
  .option('--no-serve', 'load and exit instead of serving')
  .action((options: { persons: string; seed: string; serve: boolean }) =>
    demoCommand(loadConfig(), {
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
    (files: string[], options: { stream: string; tenant?: string; url?: string; key?: string }) =>
      importRowsCommand(loadConfig(), files, options),
  );

importCommand
  .command('hillstrom <csv>')
  .description('the MineThatData e-mail experiment (Hillstrom 2008): one trigger, 64,000 customers')
  .option('--tenant <tenant>', 'tenant to load into, in-process (default: hillstrom)')
  .option('--url <url>', 'base URL of a running Causeway server (with --key)')
  .option('--key <key>', 'API key with the ingest scope (required with --url)')
  .action((csv: string, options: { tenant?: string; url?: string; key?: string }) =>
    importHillstromCommand(loadConfig(), csv, options),
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
    createBiUserCommand(loadConfig(), options),
  );

program
  .command('bench')
  .description('benchmark the 10-million-firing program: ingest, queries, memory, concurrency')
  .option('--scale <n>', 'share of the full program (1 = 1M persons, 10M firings)', '1')
  .option('--seed <n>', 'generator seed', '42')
  .option('--data-dir <dir>', 'where the measured and scratch stores live (default data/bench)')
  .option('--no-readme', 'print the table without writing it into README.md')
  .action((options: { scale: string; seed: string; dataDir?: string; readme: boolean }) =>
    benchCommand(options),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`causeway: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
