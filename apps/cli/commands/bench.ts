import { benchPlan, resultsTable, runBenchmark, writeReadme } from '../../../libs/bench/index.js';
import { inheritedEnvironment } from '../../../libs/config/index.js';

/**
 * `causeway bench`: the benchmark of the 10-million-firing program. Prints its table and writes it
 * into the README's Performance section (between the bench markers) unless told not to.
 */
export async function benchCommand(options: {
  scale: string;
  seed: string;
  dataDir?: string;
  readme: boolean;
}): Promise<void> {
  const plan = benchPlan({
    scale: Number(options.scale),
    seed: Number(options.seed),
    dataDir: options.dataDir,
  });
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  // The API and engine children run with this environment (PATH, HOME, ...), plus their own settings.
  const results = await runBenchmark(plan, inheritedEnvironment(), say);
  const table = resultsTable(results);
  process.stdout.write(`\n${table}\n`);
  if (options.readme) {
    say(
      writeReadme(table)
        ? 'README.md: Performance section updated'
        : 'README.md has no bench markers; the table is printed only',
    );
  }
}
