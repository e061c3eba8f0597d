import { ApiKeysService, generateKey, keptKey, Scope } from '../../../libs/auth/index.js';
import { CausewayClient, copiesInWords } from '../../../libs/client/index.js';
import { AppConfig } from '../../../libs/config/index.js';
import {
  generateProgram,
  generateProgramStream,
  MALFORMED_KINDS,
  programPeriod,
  serializeProgram,
} from '../../../libs/demo/index.js';
import { ShareLinksService, ShareResource } from '../../../libs/notify/index.js';
import { buildAssignmentRollup, TrendFacts } from '../../../libs/measurement/index.js';
import { muteRequestLogs } from '../../../libs/platform/index.js';
import { ClickHouseService } from '../../../libs/storage/index.js';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { createApiApp, listen } from '../../api/bootstrap.js';

export const DEMO_TENANT = 'demo';

/** The file in the embedded store's directory that keeps the demo tenant's key. */
const DEMO_KEY_FILE = 'demo-key';

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
 * Whether the stored demo was loaded by a version whose signals did not yet state collected_at
 * (the generator's signal ids start with `s_`): its freshness then reads the day of that load.
 */
async function demoPredatesCollectedAt(clickhouse: ClickHouseService): Promise<boolean> {
  const rows = await clickhouse.query({
    tag: 'demo.predates_collected_at',
    sql: `SELECT count() AS n FROM signals
          WHERE tenant_id = {tenant:String} AND startsWith(event_id, 's_') AND collected_at IS NULL`,
    params: { tenant: DEMO_TENANT },
    row: z.object({ n: z.number() }),
  });
  return (rows[0]?.n ?? 0) > 0;
}

/**
 * The persons of the stored demo program: each one has a signal (a page view at least), and they
 * are p_0000000 to p_<persons − 1>; the planted blocks' persons are named otherwise.
 */
async function loadedPersons(clickhouse: ClickHouseService): Promise<number> {
  const rows = await clickhouse.query({
    tag: 'demo.loaded_persons',
    sql: `SELECT max(toUInt32OrZero(substring(person_id, 3))) + 1 AS persons FROM signals
          WHERE tenant_id = {tenant:String} AND match(person_id, '^p_[0-9]{7}$')`,
    params: { tenant: DEMO_TENANT },
    row: z.object({ persons: z.coerce.number() }),
  });
  return rows[0]?.persons ?? 0;
}

/**
 * Whether the stored demo program was generated with this seed: the generator draws the first
 * person first, so their signals (ids, types and times) are the seed's, whatever the persons.
 */
async function loadedWithSeed(clickhouse: ClickHouseService, seed: number): Promise<boolean> {
  const key = (id: string, type: string, at: number) => `${id} ${type} ${at}`;
  const first = generateProgramStream({ seed, persons: 1, chunkPersons: 1 });
  const expected: string[] = [];
  for (const chunk of first) {
    if (chunk.stream === 'signals') {
      expected.push(...chunk.rows.map((r) => key(r.event_id, r.type, Date.parse(r.occurred_at))));
      break;
    }
  }
  const stored = await clickhouse.query({
    tag: 'demo.loaded_seed',
    sql: `SELECT event_id, type, toUnixTimestamp64Milli(occurred_at) AS at FROM signals FINAL
          WHERE tenant_id = {tenant:String} AND person_id = 'p_0000000'`,
    params: { tenant: DEMO_TENANT },
    row: z.object({ event_id: z.string(), type: z.string(), at: z.coerce.number() }),
  });
  const found = stored.map((r) => key(r.event_id, r.type, r.at));
  return JSON.stringify(found.sort()) === JSON.stringify(expected.sort());
}

/**
 * The options given on the command line (`--persons 10000`, `--seed 7`) that the stored program
 * was not loaded with, each with what the store holds instead.
 */
async function optionsNotLoaded(
  clickhouse: ClickHouseService,
  options: { persons: number; seed: number; given?: string[] },
): Promise<string[]> {
  const given = (name: string) => (options.given ?? []).some((o) => o.startsWith(`--${name} `));
  const differ: string[] = [];
  const persons = given('persons') ? await loadedPersons(clickhouse) : options.persons;
  if (persons !== options.persons) {
    differ.push(
      `--persons ${options.persons} not applied (the store holds ${persons.toLocaleString('en')} persons)`,
    );
  }
  if (given('seed') && !(await loadedWithSeed(clickhouse, options.seed))) {
    differ.push(`--seed ${options.seed} not applied (the store holds a program of another seed)`);
  }
  return differ;
}

/** What each kind of deliberately malformed sample line is, in words. */
const MALFORMED_WORDS: Record<(typeof MALFORMED_KINDS)[number], string> = {
  bad_json: 'a line that is not JSON',
  missing_field: 'a row without a required field',
  bad_enum: 'a value outside its allowed set',
  bad_timestamp: 'an unreadable time (or a duration in words)',
};

/** One short paragraph on the rejected sample lines, so that a person does not take them for a fault. */
export function malformedExplanation(rejected: number, streams: number): string {
  const kinds = MALFORMED_KINDS.map((kind) => MALFORMED_WORDS[kind]).join(', ');
  return (
    `demo: the ${rejected} rejected lines are deliberate: each of the ${streams} streams carries ` +
    `${MALFORMED_KINDS.length} malformed lines (${kinds}) to show that bad input is answered with its ` +
    'line, field and reason and kept for repair, never dropped silently; read them with the ' +
    'GraphQL query rejectedRows.'
  );
}

/** Loads the demo program through the real ingest route, its own request logs muted. */
async function loadProgram(
  url: string,
  key: string,
  options: { persons: number; seed: number },
  say: (line: string) => void,
): Promise<void> {
  say(
    `demo: generating ${options.persons.toLocaleString('en')} persons over 30 days (seed ${options.seed})`,
  );
  const program = generateProgram({ seed: options.seed, persons: options.persons });
  const streams = serializeProgram(program);
  const client = new CausewayClient(url, key);
  let rejected = 0;
  muteRequestLogs(true);
  try {
    for (const stream of ORDER) {
      const totals = await client.upload(stream, streams[stream].ndjson);
      rejected += totals.rejected;
      say(
        `demo: ${stream.padEnd(9)} ${String(totals.lines).padStart(8)} lines: ${totals.accepted} accepted ` +
          `(${copiesInWords(totals)}), ${totals.rejected} rejected`,
      );
    }
  } finally {
    muteRequestLogs(false);
  }
  say(malformedExplanation(rejected, ORDER.length));
}

/**
 * The configuration the demo serves with: when CAUSEWAY_ADMIN_KEY is unset, an admin key minted
 * for this run (valid while the demo serves, printed once on the last screen), so that a second
 * tenant needs no restart.
 */
function withAdminKey(config: AppConfig): { config: AppConfig; minted: string | undefined } {
  if (config.env.CAUSEWAY_ADMIN_KEY !== undefined) {
    return { config, minted: undefined };
  }
  const minted = generateKey().key;
  return { config: new AppConfig({ ...config.env, CAUSEWAY_ADMIN_KEY: minted }), minted };
}

/**
 * The demo tenant's key: CAUSEWAY_DEMO_KEY when set; otherwise, on the embedded store, the one
 * kept in its directory, so that every run serves with the key the first one printed (a new key
 * a run, each valid for good, would pile up); on a server, one that expires 30 days on.
 */
async function demoKey(
  keys: ApiKeysService,
  config: AppConfig,
): Promise<{ key: string; kept: string }> {
  const scopes = [Scope.INGEST, Scope.READ];
  const chosen = config.env.CAUSEWAY_DEMO_KEY;
  if (chosen !== undefined) {
    if (!(await keys.ensure(chosen, DEMO_TENANT, scopes))) {
      throw new Error(
        'CAUSEWAY_DEMO_KEY is already the key of another tenant, or was revoked or expired',
      );
    }
    return { key: chosen, kept: 'CAUSEWAY_DEMO_KEY' };
  }
  const file =
    config.env.CLICKHOUSE_URL === undefined
      ? join(resolve(config.env.CAUSEWAY_DATA_DIR), DEMO_KEY_FILE)
      : undefined;
  const { key, origin, expiresAt } = await keptKey(keys, file, DEMO_TENANT, scopes);
  return {
    key,
    kept:
      origin === 'expiring'
        ? `expires ${expiresAt!.toISOString().slice(0, 10)}`
        : `the same on every run: kept in ${file}`,
  };
}

/** The last screen: everything a person needs, nothing after it. */
export function lastScreen(parts: {
  url: string;
  key: string;
  /** Where the key comes from, or how long it lasts. */
  kept: string;
  adminKey: string | undefined;
  report: string;
  shareUrl: string;
}): string[] {
  const { url, key, kept, adminKey, report, shareUrl } = parts;
  return [
    '',
    '────────────────────────────────────────────────────────────────────────────',
    `Causeway demo is running: tenant "${DEMO_TENANT}"`,
    '',
    `  GraphQL API   ${url}/graphql   (POST, header authorization: Bearer <tenant key>)`,
    `  GraphQL IDE   ${url}/graphql   (open it in a browser; the key goes in the Headers tab)`,
    `  Report        ${report}   (needs the tenant key)`,
    `  Share link    ${shareUrl}   (opens in a browser without a key for 7 days; .pdf for the PDF)`,
    `  Tenant key    ${key}   (tenant ${DEMO_TENANT}: ingest, read; ${kept})`,
    adminKey === undefined
      ? '  Admin key     CAUSEWAY_ADMIN_KEY, as you set it'
      : `  Admin key     ${adminKey}   (for this run: mints keys for any tenant; set CAUSEWAY_ADMIN_KEY to keep one)`,
    '',
    `  Try           curl -s ${url}/graphql -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\`,
    `                  -d '{"query":"query Triggers { triggers { triggerId name ready } }"}'`,
    // the admin key by the variable the CLI reads: as --key, npm would echo it with the command
    `  New tenant    CAUSEWAY_ADMIN_KEY=<admin key> npm run -s causeway -- keys create --tenant acme --scopes ingest,read --url ${url}`,
    '────────────────────────────────────────────────────────────────────────────',
  ];
}

/**
 * `causeway demo`: starts the API on the configured store, loads the demo program through the
 * real ingest route when the demo tenant has no data yet, ends with one screen of where to look,
 * then serves.
 */
export async function demoCommand(
  given: AppConfig,
  options: { persons: number; seed: number; serve: boolean; given?: string[] },
): Promise<void> {
  const started = Date.now();
  const { config, minted: adminKey } = withAdminKey(given);
  const app = await createApiApp(config);
  const url = await listen(app, config);
  const clickhouse = app.get(ClickHouseService);
  const { key, kept } = await demoKey(app.get(ApiKeysService), config);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (await demoLoaded(clickhouse)) {
    say('demo: the store already holds the demo program; serving it');
    const differ = await optionsNotLoaded(clickhouse, options);
    if (differ.length > 0) {
      say(
        `demo: ${differ.join(', ')}: the program is loaded once, into an empty store. To load it so, remove ${config.env.CAUSEWAY_DATA_DIR} or set CAUSEWAY_DATA_DIR to another directory.`,
      );
    }
    if (await demoPredatesCollectedAt(clickhouse)) {
      say(
        `demo: it was loaded by an earlier version, whose signals do not say when they were collected: signalFreshness and STALE_SIGNALS read them as late as that load. Remove ${config.env.CAUSEWAY_DATA_DIR} (the demo's store) to load the current program.`,
      );
    }
  } else {
    await loadProgram(url, key, options, say);
    say(`demo: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!config.queued) {
      // written inline: every row is in the store and none is in flight, so a build with no
      // margin misses nothing (with a queue, the API's refresher builds once workers are done)
      const build = await buildAssignmentRollup(clickhouse, { marginMs: 0 });
      say(`demo: assignment rollup built in ${build.seconds.toFixed(1)} s`);
    }
  }
  if (!config.queued) {
    // every row is stored; this process's versions start now, so its own build is the one used
    const facts = await app.get(TrendFacts).build(DEMO_TENANT);
    say(`demo: trend facts built in ${facts.seconds.toFixed(1)} s`);
  }
  const period = programPeriod({ persons: options.persons });
  const report = `${url}/reports/lift?from=${period.from.toISOString()}&to=${period.to.toISOString()}`;
  const share = await app.get(ShareLinksService).create(DEMO_TENANT, {
    resource: ShareResource.LIFT_REPORT,
    from: period.from,
    to: period.to,
  });
  // without PUBLIC_URL, the address this process really listens on (PORT may be 0)
  const shareUrl =
    config.env.PUBLIC_URL === undefined ? share.url.replace(config.publicUrl, url) : share.url;
  for (const line of lastScreen({ url, key, kept, adminKey, report, shareUrl })) {
    say(line);
  }
  if (!options.serve) {
    await app.close();
  }
}
