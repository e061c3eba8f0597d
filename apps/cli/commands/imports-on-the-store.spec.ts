import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogService } from '../../../libs/audit/index.js';
import { ApiKeysService } from '../../../libs/auth/index.js';
import { loadConfig } from '../../../libs/config/index.js';
import { ClickHouseService, Migrator } from '../../../libs/storage/index.js';
import { importRowsCommand } from './import-rows.js';
import { importHillstromCommand } from './import.js';

// The import commands on the store itself post through an API of their own, with a key: `import
// rows` leaves none of them valid once the run is over; `import hillstrom` prints its key to query
// the data with, the same one on every run.
describe('the import commands on the store', () => {
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

  const validKeys = (keys: ApiKeysService, tenant = 'acme') =>
    keys
      .list(tenant)
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
    expect(await onStore((keys) => validKeys(keys))).toEqual([]);

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

  it('import hillstrom prints the same key on every run, the one valid key it leaves', async () => {
    const csv = join(directory, 'hillstrom.csv');
    writeFileSync(
      csv,
      'recency,history_segment,history,mens,womens,zip_code,newbie,channel,segment,visit,conversion,spend\n' +
        '10,2) $100 - $200,142.44,1,0,Surburban,0,Phone,Womens E-Mail,0,0,0\n' +
        '9,5) $500 - $750,675.83,1,0,Rural,1,Web,Mens E-Mail,1,1,29.99\n',
    );
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
      printed.push(String(text));
      return true;
    });
    try {
      await importHillstromCommand(config, csv, { tenant: 'hs' });
      await importHillstromCommand(config, csv, { tenant: 'hs' });
    } finally {
      write.mockRestore();
    }
    const keys = printed
      .filter((line) => line.startsWith('Key:'))
      .map((line) => line.slice(4).trim());
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    await onStore(async (store) => {
      const valid = await validKeys(store, 'hs');
      expect(valid).toHaveLength(1);
      await expect(store.authenticate(keys[0])).resolves.toMatchObject({ tenantId: 'hs' });
    });
  });
});
