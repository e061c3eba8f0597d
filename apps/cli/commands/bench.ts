import {
  benchParts,
  benchPlan,
  MEASURES,
  resultsTable,
  runBenchmark,
  writeReadme,
} from '../../../libs/bench/index.js';
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
  only?: string;
}): Promise<void> {
  const plan = benchPlan({
    scale: Number(options.scale),
    seed: Number(options.seed),
    dataDir: options.dataDir,
    parts: benchParts(
      options.only,
      MEASURES.map((m) => m.name),
    ),
  });
  const say = (line: string) => process.stderr.write(`bench: ${line}\n`);
  // The API and engine children run with this environment (PATH, HOME, ...), plus their own settings.
  const results = await runBenchmark(plan, inheritedEnvironment(), say);
  const table = resultsTable(results);
  process.stdout.write(`\n${table}\n`);
  if (options.only !== undefined) {
    say('a partial run (--only): README.md left alone');
  } else if (options.readme) {
    say(
      writeReadme(table)
        ? 'README.md: Performance section updated'
        : 'README.md has no bench markers; the table is printed only',
    );
  }
}
