import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { InsertSpec } from '../storage/index.js';
import type { TemporaryStore } from '../storage/testing.js';
import { ApiKeysService } from './api-keys.service.js';
import { Scope } from './keys.js';
import { openKeyStore, type KeyStore } from './testing.js';

const NOW = Date.parse('2025-03-01T09:00:00.000Z');

describe('a revocation holds against a rotation of the same key at the same moment', () => {
  let opened: KeyStore;
  let store: TemporaryStore;

  beforeAll(async () => {
    opened = await openKeyStore();
    ({ store } = opened);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(() => opened.dispose());

  /** Another API process on the same store: a service with its own lookup cache. */
  const process = () => new ApiKeysService(store.config, store.clickhouse, opened.audit);

  /**
   * Runs the revocation's write as the engine runs two statements at once: an `INSERT ... SELECT`
   * reads, then `meanwhile` runs whole, then what it read is written; any other write is held
   * until `meanwhile` is done.
   */
  function interleaveRevocation(meanwhile: () => Promise<unknown>): void {
    const command = store.clickhouse.command.bind(store.clickhouse);
    const insert = store.clickhouse.insert.bind(store.clickhouse);
    jest
      .spyOn(store.clickhouse, 'command')
      .mockImplementation(async (tag: string, sql: string, params?: Record<string, unknown>) => {
        const readThenWrite = /^\s*INSERT INTO (\w+) \(([^)]*)\)\s*(SELECT[\s\S]*)$/.exec(sql);
        if (tag !== 'auth.revoke_key' || readThenWrite === null) {
          return command(tag, sql, params);
        }
        const [, table, columns, select] = readThenWrite;
        await command('test.read', `CREATE TABLE held_read ENGINE = Memory AS ${select}`, params);
        await meanwhile();
        await command('test.write', `INSERT INTO ${table} (${columns}) SELECT * FROM held_read`);
        await command('test.drop', 'DROP TABLE held_read');
      });
    jest.spyOn(store.clickhouse, 'insert').mockImplementation(async (spec: InsertSpec) => {
      if (spec.tag === 'auth.revoke_key') {
        await meanwhile();
      }
      return insert(spec);
    });
  }

  it('refuses the revoked key afterwards, in every process, and lists it revoked', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const revoker = process();
    const rotator = process();
    const old = await revoker.create('t-race', [Scope.READ, Scope.INGEST]);
    let successor: Awaited<ReturnType<ApiKeysService['rotate']>> | undefined;
    interleaveRevocation(async () => {
      successor = await rotator.rotate(old.keyId, 24, 't-race');
    });

    await expect(revoker.revoke(old.keyId, 't-race')).resolves.toBe(true);
    jest.restoreAllMocks();
    jest.spyOn(Date, 'now').mockReturnValue(NOW);

    // the rotation went through: it read the key before the revocation landed
    expect(successor).toBeDefined();
    for (const reader of [revoker, rotator, process()]) {
      await expect(reader.authenticate(old.key)).rejects.toThrow('invalid or revoked API key');
      // the successor is another key, minted before the revocation took effect: it stands
      await expect(reader.authenticate(successor!.key)).resolves.toEqual({
        keyId: successor!.keyId,
        tenantId: 't-race',
        scopes: [Scope.READ, Scope.INGEST],
      });
    }
    const listed = await process().list('t-race');
    expect(listed.map((k) => [k.id, k.revokedAt?.toISOString() ?? null])).toEqual(
      [
        [old.keyId, '2025-03-01T09:00:00.000Z'],
        [successor!.keyId, null],
      ].sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
    // the rotation's grace still shortened the old key's life, revoked or not
    expect(listed.find((k) => k.id === old.keyId)?.expiresAt?.toISOString()).toBe(
      '2025-03-02T09:00:00.000Z',
    );
    await Promise.all([revoker.flushUses(), rotator.flushUses()]);
  });

  it('keeps the first revocation time when a key is revoked twice', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const keys = process();
    const { key, keyId } = await keys.create('t-twice', [Scope.READ]);
    await keys.revoke(keyId);
    now.mockReturnValue(NOW + 60_000);
    await expect(keys.revoke(keyId)).resolves.toBe(true);
    await expect(keys.authenticate(key)).rejects.toThrow('invalid or revoked API key');
    expect((await keys.list('t-twice')).map((k) => k.revokedAt?.toISOString())).toEqual([
      '2025-03-01T09:00:00.000Z',
    ]);
  });

  it('refuses a key revoked on its own row, as keys were before revocations were kept apart', async () => {
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
    const keys = process();
    const { key, keyId } = await keys.create('t-legacy', [Scope.READ]);
    await store.clickhouse.command(
      'test.revoke_on_row',
      `INSERT INTO api_keys (key_id, tenant_id, scopes, secret_hash, created_at, revoked_at, updated_at, expires_at)
       SELECT key_id, tenant_id, scopes, secret_hash, created_at,
              toDateTime64('2025-03-01 09:30:00', 3, 'UTC'), updated_at + INTERVAL 1 SECOND, expires_at
       FROM api_keys FINAL WHERE key_id = {keyId:String}`,
      { keyId },
    );
    await expect(process().authenticate(key)).rejects.toThrow('invalid or revoked API key');
    await expect(process().rotate(keyId, 1)).rejects.toThrow(/revoked or expired/);
    expect((await keys.list('t-legacy')).map((k) => k.revokedAt?.toISOString())).toEqual([
      '2025-03-01T09:30:00.000Z',
    ]);
    // a later revocation leaves the earlier time
    jest.spyOn(Date, 'now').mockReturnValue(NOW + 3_600_000);
    await keys.revoke(keyId);
    expect((await keys.list('t-legacy')).map((k) => k.revokedAt?.toISOString())).toEqual([
      '2025-03-01T09:30:00.000Z',
    ]);
  });
});
