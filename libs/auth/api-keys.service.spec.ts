import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TemporaryStore } from '../storage/testing.js';
import { AuditLogService } from '../audit/index.js';
import { deferred } from '../testing/index.js';
import { ApiKeysService } from './api-keys.service.js';
import { Scope } from './keys.js';
import { openKeyStore, type KeyStore } from './testing.js';

describe('API key lookup on the embedded engine', () => {
  let opened: KeyStore;
  let store: TemporaryStore;
  let keys: ApiKeysService;

  beforeAll(async () => {
    opened = await openKeyStore();
    ({ store, keys } = opened);
  });
  afterAll(() => opened.dispose());

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

  it('reads a key again in the background once its row is half its trusted age', async () => {
    const { key, keyId } = await keys.create('tenant-d', [Scope.READ]);
    // time stands still but for the skips: a slow read on a loaded machine moves no clock
    const frozenNow = Date.now();
    let skippedMs = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => frozenNow + skippedMs);
    const spy = jest.spyOn(store.clickhouse, 'query');
    const lookupsMade = () => spy.mock.calls.filter(([spec]) => spec.tag === 'auth.lookup_key');
    try {
      await keys.authenticate(key);
      expect(lookupsMade()).toHaveLength(1);
      // the row is trusted for 2 s; at 1 s a request is answered from it while a read is held
      const release = deferred();
      const query = store.clickhouse.query.bind(store.clickhouse);
      spy.mockImplementationOnce(async (spec) => {
        await release.promise;
        return query(spec);
      });
      skippedMs = 1_000;
      await expect(keys.authenticate(key)).resolves.toMatchObject({ tenantId: 'tenant-d' });
      await expect(keys.authenticate(key)).resolves.toMatchObject({ tenantId: 'tenant-d' });
      expect(lookupsMade()).toHaveLength(2);
      release.resolve();
      await spy.mock.results[spy.mock.results.length - 1]?.value;
      // the renewed row is trusted for 2 s from its own read: 2.1 s after the first read, a
      // request is answered from it while the next renewal is held
      const held = deferred();
      spy.mockImplementationOnce(async (spec) => {
        await held.promise;
        return query(spec);
      });
      skippedMs = 2_100;
      await expect(keys.authenticate(key)).resolves.toMatchObject({ tenantId: 'tenant-d' });
      expect(lookupsMade()).toHaveLength(3);
      held.resolve();
      await spy.mock.results[spy.mock.results.length - 1]?.value;
      // a renewal does not outlive a revocation
      skippedMs = 3_200;
      const renewal = keys.authenticate(key);
      await keys.revoke(keyId, 'tenant-d');
      await renewal;
      await expect(keys.authenticate(key)).rejects.toThrow('invalid or revoked API key');
    } finally {
      spy.mockRestore();
      jest.mocked(Date.now).mockRestore();
    }
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

  it('keeps a bounded number of looked-up keys, however many wrong ones are presented', async () => {
    // the bound made small: 300 distinct wrong keys, each looked up (and its absence kept)
    class SmallCache extends ApiKeysService {
      protected override cacheEntries(): number {
        return 50;
      }
    }
    const small = new SmallCache(
      store.config,
      store.clickhouse,
      new AuditLogService(store.clickhouse),
    );
    const { key } = await small.create('tenant-a', [Scope.READ]);
    for (let i = 0; i < 300; i += 1) {
      const wrong = `cw_${i.toString(16).padStart(16, '0')}_${'w'.repeat(43)}`;
      await expect(small.authenticate(wrong)).rejects.toThrow();
    }
    expect(small['cache'].size).toBe(50);
    // and a real key still passes
    expect((await small.authenticate(key)).tenantId).toBe('tenant-a');
    await small.flushUses();
  });

  it('neither revokes nor rotates a key whose audit entry could not be written', async () => {
    const audit = new AuditLogService(store.clickhouse);
    const service = new ApiKeysService(store.config, store.clickhouse, audit);
    const { key, keyId } = await service.create('tenant-audited', [Scope.READ]);
    const failing = jest.spyOn(audit, 'record').mockRejectedValue(new Error('audit store down'));
    await expect(service.revoke(keyId)).rejects.toThrow('audit store down');
    await expect(service.rotate(keyId, 0)).rejects.toThrow('audit store down');
    failing.mockRestore();
    // nothing happened unrecorded: the key still works, read afresh from the store
    const fresh = new ApiKeysService(store.config, store.clickhouse, audit);
    expect((await fresh.authenticate(key)).tenantId).toBe('tenant-audited');
    expect((await audit.list('tenant-audited', {}, 100)).map((e) => e.action)).toEqual([
      'key.minted',
    ]);
    await Promise.all([service.flushUses(), fresh.flushUses()]);
  });
});
