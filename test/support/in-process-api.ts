import type { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, listen } from '../../apps/api/bootstrap.js';
import { loadConfig, type AppConfig } from '../../libs/config/index.js';
import { freePort } from './processes.js';

/**
 * The configuration of an API started inside the test process: its own temporary data directory,
 * a free port on 127.0.0.1, quiet logs, the given admin key, and `env(port)` on top.
 */
export async function inProcessApiConfig(
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

/** An API started inside the test process (`inProcessApiConfig`), answering at 127.0.0.1. */
export async function startInProcessApi(
  name: string,
  adminKey: string,
  env: (port: number) => Record<string, string> = () => ({}),
): Promise<{ app: INestApplication; url: string; dataDir: string }> {
  const { config, dataDir } = await inProcessApiConfig(name, adminKey, env);
  const app = await createApiApp(config);
  const url = (await listen(app, config)).replace('localhost', '127.0.0.1');
  return { app, url, dataDir };
}
