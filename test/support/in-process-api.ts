import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
