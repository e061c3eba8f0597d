import 'reflect-metadata';
import { Command } from 'commander';
import { loadConfig } from '../../libs/config/index.js';
import { demoCommand } from './commands/demo.js';
import { createKeyCommand } from './commands/keys.js';
import { migrateCommand } from './commands/migrate.js';

const program = new Command('causeway')
  .description('Causeway: what each signal produced, how fast, and whether it worked.')
  .showHelpAfterError();

program
  .command('migrate')
  .description('apply pending ClickHouse migrations (or print them)')
  .option('--print', 'print the SQL instead of applying it')
  .option('--cluster <name>', 'the cluster variant: ON CLUSTER, Replicated and Distributed tables')
  .action((options: { print?: boolean; cluster?: string }) => migrateCommand(loadConfig(), options));

program
  .command('keys')
  .description('manage API keys')
  .command('create')
  .description('mint an API key and print it once')
  .requiredOption('--tenant <tenant>', 'tenant the key belongs to')
  .requiredOption('--scopes <scopes>', 'comma-separated: ingest, read, admin')
  .action((options: { tenant: string; scopes: string }) => createKeyCommand(loadConfig(), options));

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

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`causeway: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
