import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/index.js';
import {
  dataVersionsFor,
  MemoryDataVersions,
  StoreDataVersions,
  type DataVersions,
} from './data-versions.js';
import { storeForSuite } from './testing.js';

/** The versions of tenants `a` and `b` as `versions` reads them. */
const both = async (versions: DataVersions) => [
  await versions.current('a'),
  await versions.current('b'),
];

describe('MemoryDataVersions (the embedded engine: one process)', () => {
  it('counts the writes of each tenant apart, from 0', async () => {
    const versions = new MemoryDataVersions();
    expect(await both(versions)).toEqual([0, 0]);
    await versions.bump('a');
    await versions.bump('a');
    await versions.bump('b');
    expect(await both(versions)).toEqual([2, 1]);
  });

  it('starts a new epoch in every process: its versions say nothing of an earlier one', async () => {
    const before = new MemoryDataVersions();
    await before.bump('a');
    const restarted = new MemoryDataVersions();
    await restarted.bump('a');
    // the same number, another count
    expect(await restarted.current('a')).toBe(await before.current('a'));
    expect(restarted.epoch).not.toBe(before.epoch);
    expect(restarted.epoch).not.toBe('');
  });

  it('moves the version after a write, and after a failed one with its own error', async () => {
    const versions = new MemoryDataVersions();
    const seenInside: number[] = [];
    expect(
      await versions.writing('a', async () => {
        seenInside.push(await versions.current('a'));
        return 'stored';
      }),
    ).toBe('stored');
    // a reader during the write still reads the version before it
    expect(seenInside).toEqual([0]);
    await expect(
      versions.writing('a', () => Promise.reject(new Error('disk full half-way'))),
    ).rejects.toThrow('disk full half-way');
    expect(await both(versions)).toEqual([2, 0]);
  });
});

describe('StoreDataVersions (a server shared by processes), on the embedded engine', () => {
  const store = storeForSuite();

  it("shows one process's writes to another, tenant by tenant", async () => {
    const api = new StoreDataVersions(store.clickhouse);
    const worker = new StoreDataVersions(store.clickhouse);
    expect(await both(api)).toEqual([0, 0]);
    // the same row written again and again: none may be dropped as a repeated block
    for (let i = 0; i < 5; i++) {
      await worker.bump('a');
    }
    await api.bump('b');
    expect(await both(api)).toEqual([5, 1]);
    expect(await both(worker)).toEqual([5, 1]);
    // merged into one row per tenant, the sums stay
    await store.clickhouse.command('test.merge', 'OPTIMIZE TABLE data_versions FINAL');
    expect(await both(api)).toEqual([5, 1]);
    await worker.bump('a');
    expect(await both(api)).toEqual([6, 1]);
  });

  it('is one epoch for every process and restart: the store keeps the count', () => {
    const api = new StoreDataVersions(store.clickhouse);
    const restarted = new StoreDataVersions(store.clickhouse);
    expect(restarted.epoch).toBe(api.epoch);
    expect(api.epoch).not.toBe(new MemoryDataVersions().epoch);
  });

  it('tells its listeners when a read finds a version newer than the last it read', async () => {
    const api = new StoreDataVersions(store.clickhouse);
    const worker = new StoreDataVersions(store.clickhouse);
    const seen: string[] = [];
    const stop = api.onNewVersionSeen((tenantId) => seen.push(tenantId));
    await api.current('c'); // the first read of a tenant: nothing was known of it
    await api.current('c');
    await worker.bump('c');
    await api.current('c');
    await api.current('c');
    await api.current('d');
    expect(seen).toEqual(['c', 'c', 'd']);
    stop();
    await worker.bump('c');
    await api.current('c');
    expect(seen).toHaveLength(3);
  });

  it('is the kind the configuration calls for: in memory when embedded, in the store otherwise', () => {
    expect(dataVersionsFor(store.config, store.clickhouse)).toBeInstanceOf(MemoryDataVersions);
    const server = loadConfig({ CLICKHOUSE_URL: 'http://clickhouse.invalid:8123' });
    expect(dataVersionsFor(server, store.clickhouse)).toBeInstanceOf(StoreDataVersions);
  });
});
