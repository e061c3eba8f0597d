import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogService } from '../../../libs/audit/index.js';
import { ApiKeysService } from '../../../libs/auth/index.js';
import { loadConfig } from '../../../libs/config/index.js';
import { ClickHouseService, Migrator } from '../../../libs/storage/index.js';
import { importRowsCommand } from './import-rows.js';

// `causeway import rows --tenant T` on the store itself: it needs a key to post through its own
// API, and none of them may stay valid once the run is over.
describe('causeway import rows on the store', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-import-rows-'));
  const config = loadConfig({
    CAUSEWAY_DATA_DIR: join(directory, 'data'),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  /** Runs `body` on the store the command wrote to, with its keys and audit log. */
  async function onStore<T>(
    body: (keys: ApiKeysService, audit: AuditLogService) => Promise<T>,
  ): Promise<T> {
    const clickhouse = new ClickHouseService(config);
    try {
      await new Migrator(clickhouse).run();
      const audit = new AuditLogService(clickhouse);
      return await body(new ApiKeysService(config, clickhouse, audit), audit);
    } finally {
      await clickhouse.onApplicationShutdown();
    }
  }

  const validKeys = (keys: ApiKeysService) =>
    keys
      .list('acme')
      .then((all) =>
        all.filter(
          (k) => k.revokedAt === null && (k.expiresAt === null || k.expiresAt > new Date()),
        ),
      );

  it('leaves no valid key behind after two runs, and the audit log says which key imported', async () => {
    const good = join(directory, 'good.csv');
    writeFileSync(good, 'event_id,person_id,type,occurred_at\ne1,p1,view,2026-10-02T10:00:00Z\n');
    const bad = join(directory, 'bad.csv');
    writeFileSync(bad, 'event_id,person_id,type,occurred_at\ne2,p2,,2026-10-02T10:00:00Z\n');
    expect(await onStore(validKeys)).toEqual([]);

    await importRowsCommand(config, [good], { stream: 'signals', tenant: 'acme' });
    // a run that fails (a row rejected) gives its key back too
    await expect(
      importRowsCommand(config, [bad], { stream: 'signals', tenant: 'acme' }),
    ).rejects.toThrow('1 rows were rejected');

    await onStore(async (keys, audit) => {
      expect(await validKeys(keys)).toEqual([]);
      const minted = await keys.list('acme');
      expect(minted).toHaveLength(2);
      const entries = await audit.list('acme', {}, 100);
      for (const key of minted) {
        // each run's key is written down as minted for the import and then revoked
        expect(
          entries
            .filter((e) => e.target === key.id)
            .map((e) => e.action)
            .sort(),
        ).toEqual(['key.minted', 'key.revoked']);
        // and it is the key that stored the rows: the one a request used is noted
        expect(key.lastUsedAt).not.toBeNull();
      }
    });
  });
});
