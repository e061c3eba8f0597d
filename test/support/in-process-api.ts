import { afterAll, beforeAll } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, listen } from '../../apps/api/bootstrap.js';
import { loadConfig, type AppConfig } from '../../libs/config/index.js';
import { freePort } from './processes.js';

/**
 * The configuration of an API started inside the test process: its own temporary data directory,
 * a free port on 127.0.0.1, quiet logs, the given admin key, and `env(port)` on top.
 */
async function inProcessApiConfig(
  name: string,
  adminKey: string,
  env: (port: number) => Record<string, string> = () => ({}),
): Promise<{ config: AppConfig; dataDir: string; port: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), `causeway-${name}-`));
  const port = await freePort();
  const config = loadConfig({
    CAUSEWAY_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    CAUSEWAY_ADMIN_KEY: adminKey,
    ...env(port),
  });
  return { config, dataDir, port };
}

/**
 * An API inside the test process (`inProcessApiConfig`) for the suite that calls this, answering at
 * 127.0.0.1: started in a beforeAll, after the hooks registered before the call (so `env` may read
 * what they started), and closed with its data directory removed in an afterAll. Its `url`,
 * `port` and `app` are filled in when it starts: read them in a hook or test.
 */
export function inProcessApiForSuite(
  name: string,
  adminKey: string,
  env: (port: number) => Record<string, string> = () => ({}),
): { readonly url: string; readonly port: number; readonly app: INestApplication } {
  let dataDir: string | undefined;
  let app: INestApplication | undefined;
  const api = {
    url: '',
    port: 0,
    get app(): INestApplication {
      if (app === undefined) {
        throw new Error(`the API of ${name} is not started yet: read its app in a hook or test`);
      }
      return app;
    },
  };
  beforeAll(async () => {
    const made = await inProcessApiConfig(name, adminKey, env);
    dataDir = made.dataDir;
    app = await createApiApp(made.config);
    api.url = (await listen(app, made.config)).replace('localhost', '127.0.0.1');
    api.port = made.port;
  });
  afterAll(async () => {
    await app?.close();
    if (dataDir !== undefined) {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
  return api;
}
