// chDB's native library has builds for Linux (glibc) and macOS only. An API that stores its data on
// a ClickHouse server needs none of it, and must start where chDB cannot load (a node:alpine
// image: musl, so npm installs no chDB library). Simulated here as npm leaves such a machine: chDB
// installed, its platform package not.

import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

// Run in a process of its own: chDB's library, once loaded, stays loaded in the process.
const SCRIPT = `
import Module from 'node:module';
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@chdb/lib-')) {
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, ...rest);
};
const [root, dataDir] = process.argv.slice(1);
const answer = {};
try {
  await import(root + '/dist/apps/api/app.module.js');
  await import(root + '/dist/apps/worker/worker.module.js');
  const { loadConfig } = await import(root + '/dist/libs/config/index.js');
  const { createClickHouseClient } = await import(root + '/dist/libs/storage/index.js');
  answer.imported = true;
  const server = createClickHouseClient(loadConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:9' }));
  answer.serverClient = typeof server.query;
  try {
    createClickHouseClient(loadConfig({ CAUSEWAY_DATA_DIR: dataDir }));
  } catch (error) {
    answer.embedded = error.message;
    answer.cause = error.cause?.message;
  }
} catch (error) {
  answer.failed = error.message;
}
process.stdout.write(JSON.stringify(answer));
`;

describe('where the embedded engine cannot load', () => {
  it('the API and the worker load and reach a ClickHouse server; the embedded store says why not', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'causeway-nochdb-'));
    try {
      const child = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', SCRIPT, root, dataDir],
        { cwd: root, encoding: 'utf8', timeout: 60_000 },
      );
      const answer = JSON.parse(child.stdout) as Record<string, string | boolean>;
      expect(answer).toEqual({
        imported: true,
        serverClient: 'function',
        embedded:
          'the embedded engine (chDB) cannot run here: it has builds for Linux (glibc, x64 and arm64) and macOS; elsewhere set CLICKHOUSE_URL to use a ClickHouse server',
        // chDB's own words, kept as the cause
        cause: expect.stringMatching(/^chdb: no native binding for /),
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
