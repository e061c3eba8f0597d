import { CausewayClient } from '../../libs/client/index.js';
import { generateProgram, serializeProgram, type ProgramOptions } from '../../libs/demo/index.js';

/** Streams in the order a producer sends them: definitions first (as `causeway demo` does). */
const ORDER = ['triggers', 'consent', 'signals', 'firings', 'exposures', 'outcomes'] as const;

/**
 * `plantedBlockRows` for a spec that looks at the main program only: the planted statistics blocks
 * add about 90,000 rows whatever the number of persons, to be uploaded and measured.
 */
export const MAIN_PROGRAM_ONLY = 0;

/** Loads a generated demo program through the ingest route, as a producer would. */
export async function uploadDemoProgram(
  url: string,
  key: string,
  options: ProgramOptions,
): Promise<ReturnType<typeof generateProgram>> {
  const program = generateProgram(options);
  const streams = serializeProgram(program);
  const client = new CausewayClient(url, key);
  for (const stream of ORDER) {
    await client.upload(stream, streams[stream].ndjson);
  }
  return program;
}
