// The ClickHouse client writes lines of its own: on a server client, a warning about its 300 s
// request timeout as it is made. They are JSON at LOG_LEVEL, like every other log line, and go to
// stderr: a command's stdout carries its answer (a key's JSON) for a script to read.

import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

const SCRIPT = `
const [root, level] = process.argv.slice(1);
const { loadConfig } = await import(root + '/dist/libs/config/index.js');
const { createClickHouseClient } = await import(root + '/dist/libs/storage/index.js');
const client = createClickHouseClient(
  loadConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:9', LOG_LEVEL: level }),
);
await client.close();
`;

function made(level: string): { stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT, root, level], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(child.status).toBe(0);
  return { stdout: child.stdout, stderr: child.stderr };
}

describe("the ClickHouse client's own log lines", () => {
  it('are JSON on stderr at LOG_LEVEL, and nothing reaches stdout', () => {
    const { stdout, stderr } = made('warn');
    expect(stdout).toBe('');
    const lines = stderr
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        service: 'causeway',
        context: 'ClickHouseClient',
        msg: expect.stringMatching(
          /^Config: request_timeout is set to 300000ms, but send_progress_in_http_headers is not enabled\./,
        ),
      }),
    ]);
  });

  it('are left out below LOG_LEVEL', () => {
    expect(made('error')).toEqual({ stdout: '', stderr: '' });
  });
});
