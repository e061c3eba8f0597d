import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import { addDays } from 'date-fns';
import { ApiKeysService, Scope } from '../../../libs/auth/index.js';
import { CausewayClient, copiesInWords } from '../../../libs/client/index.js';
import { AppConfig } from '../../../libs/config/index.js';
import { isStream, STREAMS } from '../../../libs/ingest/index.js';
import { createApiApp, listen } from '../../api/bootstrap.js';

/** Options of `causeway import rows`. */
export interface ImportRowsOptions {
  stream: string;
  /** In-process: the tenant to load into. */
  tenant?: string;
  /** Base URL of a running server; needs `key`, whose tenant receives the rows. */
  url?: string;
  key?: string;
}

/** How long the key of an in-process run stays valid if the run never gets to revoke it. */
const IMPORT_KEY_DAYS = 7;

/** Errors printed per file; the rest are in `rejectedRows`. */
const ERRORS_SHOWN = 5;

const MEDIA_TYPES: Record<string, string> = {
  '.parquet': 'application/vnd.apache.parquet',
  '.csv': 'text/csv',
};

/**
 * A file's media type by its extension, and for a gzip file (`.csv.gz`) the Content-Encoding it is
 * sent in as it is on disk (the server inflates it); undefined for another extension.
 */
export function fileKind(file: string): { contentType: string; encoding?: 'gzip' } | undefined {
  const name = file.toLowerCase();
  const gzip = name.endsWith('.gz');
  const contentType = MEDIA_TYPES[extname(gzip ? name.slice(0, -'.gz'.length) : name)];
  if (contentType === undefined) {
    return undefined;
  }
  return gzip ? { contentType, encoding: 'gzip' } : { contentType };
}

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Posts each file; answers the number of rows rejected. */
async function importFiles(client: CausewayClient, stream: string, files: string[]) {
  let rejected = 0;
  for (const file of files) {
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    const { contentType, encoding } = fileKind(file)!;
    const answer = await client.importFile(stream, body, contentType, encoding);
    rejected += answer.rejected;
    say(
      `import: ${file}: ${answer.accepted} accepted (${copiesInWords(answer)}), ${answer.rejected} rejected`,
    );
    for (const error of answer.errors.slice(0, ERRORS_SHOWN)) {
      say(`        row ${error.line}, ${error.field}: ${error.message}`);
    }
    for (const ignored of answer.ignoredFields) {
      const hint = ignored.suggestion === null ? '' : ` (did you mean ${ignored.suggestion}?)`;
      say(`        column ${ignored.field} ignored in ${ignored.lines} rows${hint}`);
    }
  }
  return rejected;
}

/**
 * `causeway import rows --stream S --tenant T FILE…`: backfills a stream from Parquet or CSV files
 * (by extension; a CSV file may be gzipped) through POST /v1/import/{stream}, on the API in-process
 * (with a key for `--tenant` made for the run and revoked when it ends) or on a running server
 * (`--url`, `--key`). Fails when any row is rejected.
 */
export async function importRowsCommand(
  config: AppConfig,
  files: string[],
  options: ImportRowsOptions,
): Promise<void> {
  if (!isStream(options.stream)) {
    throw new Error(`--stream must be one of ${STREAMS.join(', ')}`);
  }
  for (const file of files) {
    await access(file, constants.R_OK);
    if (fileKind(file) === undefined) {
      throw new Error(`${file}: expected a .parquet, .csv or .csv.gz file`);
    }
  }
  if (options.url !== undefined) {
    if (options.key === undefined) {
      throw new Error('--url needs --key (an API key with the ingest scope)');
    }
    const client = new CausewayClient(options.url.replace(/\/+$/, ''), options.key);
    return finish(await importFiles(client, options.stream, files));
  }
  if (options.tenant === undefined) {
    throw new Error('--tenant is required without --url');
  }
  // Port 0: the in-process server is only the import's way in.
  const ownConfig = new AppConfig({ ...config.env, PORT: 0 });
  const app = await createApiApp(ownConfig);
  try {
    const url = await listen(app, ownConfig);
    const keys = app.get(ApiKeysService);
    // the run's own key, revoked when it ends (the audit log keeps it as the one that imported);
    // one the process was killed before revoking expires on its own
    const expiresAt = addDays(new Date(), IMPORT_KEY_DAYS);
    const { key, keyId } = await keys.create(options.tenant, [Scope.INGEST], expiresAt);
    try {
      finish(await importFiles(new CausewayClient(url, key), options.stream, files));
    } finally {
      await keys.revoke(keyId, options.tenant);
    }
  } finally {
    await app.close();
  }
}

function finish(rejected: number): void {
  if (rejected > 0) {
    throw new Error(`${rejected} rows were rejected (see the rejectedRows query)`);
  }
}
