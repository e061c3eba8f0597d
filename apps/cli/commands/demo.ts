import { ApiKeysService, generateKey, Scope } from '../../../libs/auth/index.js';
import { CausewayClient } from '../../../libs/client/index.js';
import type { AppConfig } from '../../../libs/config/index.js';
import { generateProgram, programPeriod, serializeProgram } from '../../../libs/demo/index.js';
import { ShareLinksService, ShareResource } from '../../../libs/notify/index.js';
import { buildAssignmentRollup } from '../../../libs/measurement/index.js';
import { ClickHouseService } from '../../../libs/storage/index.js';
import { z } from 'zod';
import { createApiApp, listen } from '../../api/bootstrap.js';

export const DEMO_TENANT = 'demo';

/** Streams in the order a producer would send them: definitions first. */
const ORDER = ['triggers', 'consent', 'signals', 'firings', 'exposures', 'outcomes'] as const;

async function demoLoaded(clickhouse: ClickHouseService): Promise<boolean> {
  const rows = await clickhouse.query({
    tag: 'demo.loaded',
    sql: 'SELECT count() AS n FROM firings WHERE tenant_id = {tenant:String}',
    params: { tenant: DEMO_TENANT },
    row: z.object({ n: z.number() }),
  });
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * `causeway demo`: starts the API on the configured store, loads the demo program through the
 * real ingest route when the demo tenant has no data yet, prints where to look, then serves.
 */
export async function demoCommand(
  config: AppConfig,
  options: { persons: number; seed: number; serve: boolean },
): Promise<void> {
  const started = Date.now();
  const app = await createApiApp(config);
  const url = await listen(app, config);
  const clickhouse = app.get(ClickHouseService);
  const keys = app.get(ApiKeysService);
  const key = config.env.CAUSEWAY_DEMO_KEY ?? generateKey().key;
  if (!(await keys.ensure(key, DEMO_TENANT, [Scope.INGEST, Scope.READ]))) {
    throw new Error('CAUSEWAY_DEMO_KEY is already the key of another tenant or was revoked');
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (await demoLoaded(clickhouse)) {
    say('demo: the store already holds the demo program; serving it');
  } else {
    say(
      `demo: generating ${options.persons.toLocaleString('en')} persons over 30 days (seed ${options.seed})`,
    );
    const program = generateProgram({ seed: options.seed, persons: options.persons });
    const streams = serializeProgram(program);
    const client = new CausewayClient(url, key);
    for (const stream of ORDER) {
      const totals = await client.upload(stream, streams[stream].ndjson);
      say(
        `demo: ${stream.padEnd(9)} ${String(totals.lines).padStart(8)} lines: ${totals.accepted} accepted ` +
          `(${totals.duplicates} duplicates), ${totals.rejected} rejected`,
      );
    }
    say(`demo: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!config.queued) {
      // written inline: every row is in the store and none is in flight, so a build with no
      // margin misses nothing (with a queue, the API's refresher builds once workers are done)
      const build = await buildAssignmentRollup(clickhouse, { marginMs: 0 });
      say(`demo: assignment rollup built in ${build.seconds.toFixed(1)} s`);
    }
  }
  say('');
  say(`GraphQL:   ${url}/graphql`);
  say(`Tenant:    ${DEMO_TENANT}`);
  say(`Demo key:  ${key}`);
  const period = programPeriod({ persons: options.persons });
  const report = `${url}/reports/lift?from=${period.from.toISOString()}&to=${period.to.toISOString()}`;
  say(`Report:    ${report}  (also /reports/lift.pdf; send the key, see below)`);
  const share = await app.get(ShareLinksService).create(DEMO_TENANT, {
    resource: ShareResource.LIFT_REPORT,
    from: period.from,
    to: period.to,
  });
  // without PUBLIC_URL, the address this process really listens on (PORT may be 0)
  const shareUrl =
    config.env.PUBLIC_URL === undefined ? share.url.replace(config.publicUrl, url) : share.url;
  say(`Share:     ${shareUrl}  (opens in a browser without a key for 7 days; .pdf for the PDF)`);
  say('');
  say(
    `Try: curl -s ${url}/graphql -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\`,
  );
  say(`       -d '{"query":"{ triggers { triggerId name channel ready } }"}'`);
  say(
    `     curl -s '${report}' -H 'authorization: Bearer ${key}' -o lift-report.html  # then open the file`,
  );
  if (!options.serve) {
    await app.close();
  }
}
