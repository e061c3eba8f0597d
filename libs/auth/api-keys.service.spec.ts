import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { openTemporaryStore, type TemporaryStore } from '../storage/testing.js';
import { AuditLogService } from '../audit/index.js';
import { ApiKeysService } from './api-keys.service.js';
import { Scope } from './keys.js';

describe('API key lookup on the embedded engine', () => {
  let store: TemporaryStore;
  let keys: ApiKeysService;

  beforeAll(async () => {
    store = await openTemporaryStore();
    keys = new ApiKeysService(
      store.config,
      store.clickhouse,
      new AuditLogService(store.clickhouse),
    );
  });
  afterAll(async () => {
    await keys.flushUses();
    await store.dispose();
  });

  const lookups = () => {
    const spy = jest.spyOn(store.clickhouse, 'query');
    return {
      count: () => spy.mock.calls.filter(([spec]) => spec.tag === 'auth.lookup_key').length,
      restore: () => spy.mockRestore(),
    };
  };

  it('answers a burst of requests with one key from one read', async () => {
    const { key } = await keys.create('tenant-a', [Scope.READ]);
    const reads = lookups();
    const principals = await Promise.all(Array.from({ length: 20 }, () => keys.authenticate(key)));
    expect(new Set(principals.map((p) => p.tenantId))).toEqual(new Set(['tenant-a']));
    expect(reads.count()).toBe(1);
    await keys.authenticate(key);
    expect(reads.count()).toBe(1);
    reads.restore();
  });

  it('refuses a revoked key at once, even when a read was in flight', async () => {
    const { key, keyId } = await keys.create('tenant-b', [Scope.READ]);
    const inFlight = keys.authenticate(key);
    await keys.revoke(keyId, 'tenant-b');
    await expect(inFlight).resolves.toMatchObject({ tenantId: 'tenant-b' });
    await expect(keys.authenticate(key)).rejects.toThrow('invalid or revoked API key');
  });

  it('does not let a wrong secret ride on a shared read', async () => {
    const { key } = await keys.create('tenant-c', [Scope.READ]);
    const forged = `${key.slice(0, -4)}xxxx`;
    const [good, bad] = await Promise.allSettled([
      keys.authenticate(key),
      keys.authenticate(forged),
    ]);
    expect(good.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
  });
});
