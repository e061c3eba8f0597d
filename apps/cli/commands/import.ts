import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiKeysService, keptKey, Scope } from '../../../libs/auth/index.js';
import {
  addAnswer,
  CausewayClient,
  copiesInWords,
  type UploadTotals,
} from '../../../libs/client/index.js';
import { AppConfig } from '../../../libs/config/index.js';
import {
  HILLSTROM_SEGMENTS,
  HILLSTROM_TRIGGER_ID,
  IMPORT_STREAMS,
  hillstromPeriod,
  hillstromRows,
  ndjsonBatches,
  summarizeHillstrom,
  type HillstromSummary,
  type ImportStream,
} from '../../../libs/importers/index.js';
import { createApiApp, listen } from '../../api/bootstrap.js';

/** Tenant the in-process import loads into when `--tenant` is not given. */
export const HILLSTROM_TENANT = 'hillstrom';

/** Rows serialized at a time; the client splits each batch into requests of 10,000 lines. */
const BATCH_LINES = 20_000;

/** Errors printed per stream; the rest are in `rejectedRows`. */
const ERRORS_SHOWN = 5;

/** Options of `causeway import hillstrom`. */
export interface ImportHillstromOptions {
  /** In-process only: the tenant to load into (default {@link HILLSTROM_TENANT}). */
  tenant?: string;
  /** Base URL of a running server; needs `key`, whose tenant receives the rows. */
  url?: string;
  /** API key with the ingest scope: required with `url`; in-process, used instead of a new key. */
  key?: string;
}

const say = (line: string) => process.stdout.write(`${line}\n`);

function count(n: number): string {
  return n.toLocaleString('en');
}

function percent(part: number, whole: number, digits: number): string {
  return `${((100 * part) / whole).toFixed(digits)}%`;
}

async function uploadStream(
  client: CausewayClient,
  stream: ImportStream,
  csvPath: string,
): Promise<UploadTotals> {
  const totals: UploadTotals = {
    lines: 0,
    requests: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    conflicts: 0,
    errors: [],
  };
  const rows = hillstromRows(stream, () => createReadStream(csvPath));
  for await (const batch of ndjsonBatches(rows, BATCH_LINES)) {
    const answer = await client.upload(stream, batch.text);
    totals.lines += answer.lines;
    totals.requests += answer.requests;
    // Line numbers of the whole stream, not of the batch.
    addAnswer(totals, answer, batch.firstLine - 1);
  }
  return totals;
}

/** Uploads every stream, definitions first; answers the number of rejected rows. */
async function uploadAll(client: CausewayClient, csvPath: string): Promise<number> {
  let rejected = 0;
  for (const stream of IMPORT_STREAMS) {
    const totals = await uploadStream(client, stream, csvPath);
    rejected += totals.rejected;
    say(
      `import: ${stream.padEnd(9)} ${count(totals.lines).padStart(7)} lines: ${count(totals.accepted)} accepted ` +
        `(${copiesInWords(totals, count)}), ${count(totals.rejected)} rejected`,
    );
    for (const error of totals.errors.slice(0, ERRORS_SHOWN)) {
      say(`          line ${error.line}, ${error.field}: ${error.message}`);
    }
  }
  return rejected;
}

function printSummary(summary: HillstromSummary): void {
  say('');
  say(`Hillstrom e-mail experiment: ${count(summary.customers)} customers`);
  for (const segment of HILLSTROM_SEGMENTS) {
    const group = summary.bySegment[segment];
    say(
      `  ${segment.padEnd(13)}  n ${count(group.n).padStart(6)}` +
        `  visits ${percent(group.visits, group.n, 2).padStart(6)}` +
        `  conversions ${count(group.conversions).padStart(3)} (${percent(group.conversions, group.n, 4)})` +
        `  spend $${group.spend.toFixed(2)} ($${(group.spend / group.n).toFixed(4)} per customer)`,
    );
  }
  if (summary.spendWithoutConversion > 0 || summary.conversionWithoutSpend > 0) {
    say(
      `  note: ${summary.spendWithoutConversion} customers spent without conversion = 1 (imported as ` +
        `purchases), ${summary.conversionWithoutSpend} converted with spend 0`,
    );
  }
}

/** Where the data can be queried: the server uploaded to, or this store once served. */
function printWhereToLook(url: string | undefined, key: string, tenant: string | undefined): void {
  const period = hillstromPeriod();
  say('');
  if (tenant !== undefined) {
    say(`Tenant:   ${tenant}`);
    say(`Key:      ${key}`);
  }
  say(`Trigger:  ${HILLSTROM_TRIGGER_ID}, period [${period.from}, ${period.to})`);
  say(
    `Lift:     liftReport(from: "${period.from}", to: "${period.to}", ` +
      `triggerIds: ["${HILLSTROM_TRIGGER_ID}"], groupBy: [VARIANT])`,
  );
  say(
    url === undefined
      ? '          at /graphql of the API serving this store (npm start)'
      : `          at ${url}/graphql`,
  );
}

async function importInProcess(
  config: AppConfig,
  csvPath: string,
  options: ImportHillstromOptions,
): Promise<number> {
  const tenant = options.tenant ?? HILLSTROM_TENANT;
  // Port 0: the in-process server is only the import's way in, and must not collide with one
  // already listening on the configured port.
  const ownConfig = new AppConfig({ ...config.env, PORT: 0 });
  const app = await createApiApp(ownConfig);
  try {
    const url = await listen(app, ownConfig);
    const keys = app.get(ApiKeysService);
    const scopes = [Scope.INGEST, Scope.READ];
    let key = options.key;
    if (key === undefined) {
      // the key a first run printed, printed again by every later run rather than one more a run
      const file =
        config.env.CLICKHOUSE_URL === undefined
          ? join(resolve(config.env.CAUSEWAY_DATA_DIR), `hillstrom-key-${tenant}`)
          : undefined;
      key = (await keptKey(keys, file, tenant, scopes)).key;
    } else if (!(await keys.ensure(key, tenant, scopes))) {
      throw new Error(
        `--key is already the key of another tenant than ${tenant}, or was revoked or expired`,
      );
    }
    const rejected = await uploadAll(new CausewayClient(url, key), csvPath);
    printWhereToLook(undefined, key, tenant);
    return rejected;
  } finally {
    await app.close();
  }
}

/**
 * `causeway import hillstrom <csv>`: converts the MineThatData e-mail experiment into Causeway
 * input rows and loads them through the real ingest route (definitions first). Without `--url` it
 * starts the API in-process on the configured store, with a key for `--tenant` (the one a first
 * run kept in the store's directory, see keptKey); with `--url` and
 * `--key` it uploads to a running server, into the key's tenant. The whole file is read and checked
 * before the first upload, so a malformed file loads nothing. Fails when any row is rejected.
 */
export async function importHillstromCommand(
  config: AppConfig,
  csvPath: string,
  options: ImportHillstromOptions,
): Promise<void> {
  if (options.url !== undefined && options.key === undefined) {
    throw new Error('--url needs --key (an API key with the ingest scope)');
  }
  if (options.url !== undefined && options.tenant !== undefined) {
    throw new Error(
      '--tenant applies to the in-process import; with --url the key decides the tenant',
    );
  }
  await access(csvPath, constants.R_OK);
  const started = Date.now();
  const summary = await summarizeHillstrom(createReadStream(csvPath));
  say(`import: ${csvPath}: ${count(summary.customers)} customers read and checked`);

  let rejected: number;
  if (options.url !== undefined && options.key !== undefined) {
    const url = options.url.replace(/\/+$/, '');
    rejected = await uploadAll(new CausewayClient(url, options.key), csvPath);
    printWhereToLook(url, options.key, undefined);
  } else {
    rejected = await importInProcess(config, csvPath, options);
  }
  printSummary(summary);
  say(`import: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (rejected > 0) {
    throw new Error(`${count(rejected)} rows were rejected (see the rejectedRows query)`);
  }
}
