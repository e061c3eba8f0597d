import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type AppConfig } from '../config/index.js';
import { ClickHouseService } from './clickhouse.service.js';
import { Migrator } from './migrator.js';

/** A migrated embedded store in a fresh temporary directory, for tests in this process. */
export interface TemporaryStore {
  config: AppConfig;
  clickhouse: ClickHouseService;
  dataDir: string;
  dispose(): Promise<void>;
}

export async function openTemporaryStore(
  env: Record<string, string> = {},
): Promise<TemporaryStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-store-'));
  const config = loadConfig({ CAUSEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const clickhouse = new ClickHouseService(config);
  await new Migrator(clickhouse).run();
  return {
    config,
    clickhouse,
    dataDir,
    async dispose() {
      await clickhouse.onApplicationShutdown();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
