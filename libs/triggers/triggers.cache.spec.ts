import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Scope } from '../auth/index.js';
import { AppConfig } from '../config/index.js';
import { IngestService } from '../ingest/index.js';
import { compileIngestModule } from '../ingest/module.testing.js';
import { StoreDataVersions } from '../storage/index.js';
import { openTemporaryStore, type TemporaryStore } from '../storage/testing.js';
import { deferred } from '../testing/index.js';
import type { Trigger } from './models/trigger.model.js';
import { toStoredDefinition } from './trigger-definition.js';
import { TriggersCache } from './triggers.cache.js';
import { TriggersModule } from './triggers.module.js';
import { TriggersRepository } from './triggers.repository.js';
import { TriggersService } from './triggers.service.js';

const draft = (triggerId: string, name = triggerId) => ({ triggerId, name, channel: 'email' });

const ids = (triggers: Trigger[]) => triggers.map((t) => t.triggerId);

/** Stores a definition straight through the repository, as another process would. */
async function writeBehindTheCache(
  repository: TriggersRepository,
  tenantId: string,
  triggerId: string,
): Promise<void> {
  const { row } = toStoredDefinition(draft(triggerId), 1, {
    tenantId,
    receivedAt: Date.now(),
    limits: { maxRows: 1, maxFieldChars: 256, maxBodyBytes: 1024 },
  });
  await repository.insert(row);
}

/** Lets a read that has returned finish its own steps (the scope it ran in, the entry it sets). */
const landed = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs `body` with time standing still but for the skips it makes (`skipTo(ms)` puts the clock ms
 * after the start): a slow write on a loaded machine moves no clock.
 */
async function onSkippedClock(body: (skipTo: (ms: number) => void) => Promise<void>) {
  const frozenNow = Date.now();
  let skippedMs = 0;
  jest.spyOn(Date, 'now').mockImplementation(() => frozenNow + skippedMs);
  try {
    await body((ms) => {
      skippedMs = ms;
    });
  } finally {
    jest.mocked(Date.now).mockRestore();
  }
}

describe('TriggersCache on the embedded engine', () => {
  let store: TemporaryStore;

  beforeAll(async () => {
    store = await openTemporaryStore();
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await store.dispose();
  });

  /** A service over its own cache, counting the reads that reach the engine. */
  function build(config: AppConfig = store.config) {
    const repository = new TriggersRepository(store.clickhouse);
    const reads = jest.spyOn(repository, 'latest');
    const service = new TriggersService(repository, config, new TriggersCache(repository, config));
    return { repository, reads, service };
  }

  it('answers repeated lists from one read, and shows a define at once', async () => {
    const { reads, service } = build();
    await service.define('t-define', draft('a'));
    expect(ids(await service.list('t-define'))).toEqual(['a']);
    expect(ids(await service.list('t-define', 'draft'))).toEqual(['a']);
    expect(reads).toHaveBeenCalledTimes(1);
    await service.define('t-define', draft('b'));
    expect(ids(await service.list('t-define'))).toEqual(['a', 'b']);
    await service.define('t-define', { ...draft('a', 'renamed'), version: 1 });
    expect((await service.list('t-define')).map((t) => [t.triggerId, t.name])).toEqual([
      ['a', 'renamed'],
      ['b', 'b'],
    ]);
    expect(reads).toHaveBeenCalledTimes(3);
  });

  it('runs one read for concurrent misses of a tenant', async () => {
    const { repository, reads, service } = build();
    await writeBehindTheCache(repository, 't-burst', 'a');
    const lists = await Promise.all(Array.from({ length: 20 }, () => service.list('t-burst')));
    expect(reads).toHaveBeenCalledTimes(1);
    expect(lists.map(ids)).toEqual(Array.from({ length: 20 }, () => ['a']));
  });

  it('re-reads once the TTL has passed a row written behind its back', async () => {
    const { repository, reads, service } = build();
    const ttlMs = store.config.env.TRIGGER_CACHE_TTL_MS;
    expect(ttlMs).toBeGreaterThanOrEqual(2_000);
    await onSkippedClock(async (skipTo) => {
      await writeBehindTheCache(repository, 't-ttl', 'a');
      expect(ids(await service.list('t-ttl'))).toEqual(['a']);
      await writeBehindTheCache(repository, 't-ttl', 'b');
      skipTo(ttlMs - 1_000);
      expect(ids(await service.list('t-ttl'))).toEqual(['a']);
      skipTo(ttlMs);
      expect(ids(await service.list('t-ttl'))).toEqual(['a', 'b']);
      expect(reads).toHaveBeenCalledTimes(2);
    });
  });

  it('renews an entry past half its TTL in the background, answering from it meanwhile', async () => {
    const { repository, reads, service } = build();
    const ttlMs = store.config.env.TRIGGER_CACHE_TTL_MS;
    const direct = new TriggersRepository(store.clickhouse);
    await onSkippedClock(async (skipTo) => {
      await writeBehindTheCache(repository, 't-renew', 'a');
      expect(ids(await service.list('t-renew'))).toEqual(['a']);
      await writeBehindTheCache(repository, 't-renew', 'b');
      // well short of half the TTL: the entry alone answers
      skipTo(ttlMs / 2 - 1_000);
      expect(ids(await service.list('t-renew'))).toEqual(['a']);
      expect(reads).toHaveBeenCalledTimes(1);

      // past half the TTL: answered from the entry while the renewal is held in the engine
      const release = deferred();
      reads.mockImplementationOnce(async (tenantId) => {
        await release.promise;
        return direct.latest(tenantId);
      });
      skipTo(ttlMs / 2);
      expect(ids(await service.list('t-renew'))).toEqual(['a']);
      expect(ids(await service.list('t-renew'))).toEqual(['a']);
      expect(reads).toHaveBeenCalledTimes(2);
      release.resolve();
      await reads.mock.results[1]?.value;
      await landed();
      expect(ids(await service.list('t-renew'))).toEqual(['a', 'b']);
      // past the first entry's TTL the renewed one answers (while its own renewal is held), and
      // a write during that renewal drops it: the next list reads again
      const hold = deferred();
      reads.mockImplementationOnce(async (tenantId) => {
        const rows = await direct.latest(tenantId);
        await hold.promise;
        return rows;
      });
      skipTo(ttlMs + 100);
      expect(ids(await service.list('t-renew'))).toEqual(['a', 'b']);
      expect(reads).toHaveBeenCalledTimes(3);
      await service.define('t-renew', draft('c'));
      hold.resolve();
      await reads.mock.results[2]?.value;
      await landed();
      expect(ids(await service.list('t-renew'))).toEqual(['a', 'b', 'c']);
      expect(reads).toHaveBeenCalledTimes(4);
    });
  });

  it('reads the store every time with a TTL of 0', async () => {
    const { repository, reads, service } = build(
      new AppConfig({ ...store.config.env, TRIGGER_CACHE_TTL_MS: 0 }),
    );
    expect(await service.list('t-off')).toEqual([]);
    await writeBehindTheCache(repository, 't-off', 'a');
    expect(ids(await service.list('t-off'))).toEqual(['a']);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it("never serves one tenant's triggers to another", async () => {
    const { reads, service } = build();
    await service.define('t-one', draft('shared', 'of one'));
    await service.define('t-two', draft('shared', 'of two'));
    const named = async (tenantId: string) =>
      (await service.list(tenantId)).map((t) => [t.triggerId, t.name]);
    expect(await named('t-one')).toEqual([['shared', 'of one']]);
    expect(await named('t-two')).toEqual([['shared', 'of two']]);
    expect(reads).toHaveBeenCalledTimes(2);
    // a define forgets its own tenant only
    await service.define('t-one', draft('only-one'));
    expect(await named('t-two')).toEqual([['shared', 'of two']]);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(await named('t-one')).toEqual([
      ['only-one', 'only-one'],
      ['shared', 'of one'],
    ]);
    expect(reads.mock.calls.map(([tenantId]) => tenantId)).toEqual(['t-one', 't-two', 't-one']);
  });

  it('does not keep a read that a write overtook, nor a failed one', async () => {
    const { reads, service } = build();
    const direct = new TriggersRepository(store.clickhouse);
    const readDone = deferred();
    const release = deferred();
    await service.define('t-race', draft('a'));
    reads.mockImplementationOnce(async (tenantId) => {
      const rows = await direct.latest(tenantId);
      readDone.resolve();
      await release.promise;
      return rows;
    });
    const overtaken = service.list('t-race');
    await readDone.promise;
    await service.define('t-race', draft('b'));
    release.resolve();
    // asked before the write finished: the older answer is fair
    expect(ids(await overtaken)).toEqual(['a']);
    expect(ids(await service.list('t-race'))).toEqual(['a', 'b']);
    expect(reads).toHaveBeenCalledTimes(2);

    await service.define('t-race', draft('c'));
    reads.mockRejectedValueOnce(new Error('engine unavailable'));
    await expect(service.list('t-race')).rejects.toThrow('engine unavailable');
    expect(ids(await service.list('t-race'))).toEqual(['a', 'b', 'c']);
    expect(reads).toHaveBeenCalledTimes(4);
  });

  it("reads again once a read of the tenant's data version finds another process's write", async () => {
    // server mode: the versions live in the store, each process reads them through its own instance
    const apiVersions = new StoreDataVersions(store.clickhouse);
    const workerVersions = new StoreDataVersions(store.clickhouse);
    const repository = new TriggersRepository(store.clickhouse);
    const reads = jest.spyOn(repository, 'latest');
    const cache = new TriggersCache(repository, store.config, undefined, apiVersions);
    const service = new TriggersService(repository, store.config, cache, apiVersions);
    await service.define('t-seen', draft('a'));
    await service.define('t-other', draft('x'));
    // this process's first reads of the versions: its entries may predate any write, so they go
    await apiVersions.current('t-seen');
    await apiVersions.current('t-other');
    expect(ids(await service.list('t-seen'))).toEqual(['a']);
    expect(ids(await service.list('t-other'))).toEqual(['x']);
    expect(reads).toHaveBeenCalledTimes(2);

    await workerVersions.writing('t-seen', () => writeBehindTheCache(repository, 't-seen', 'b'));
    // within the TTL, nothing has told this process yet
    expect(ids(await service.list('t-seen'))).toEqual(['a']);
    expect(reads).toHaveBeenCalledTimes(2);
    await apiVersions.current('t-seen');
    await apiVersions.current('t-other');
    expect(ids(await service.list('t-seen'))).toEqual(['a', 'b']);
    expect(ids(await service.list('t-other'))).toEqual(['x']);
    expect(reads.mock.calls.map(([tenantId]) => tenantId)).toEqual(['t-seen', 't-other', 't-seen']);
  });

  it('shows an ingest of the triggers stream at once, through the modules as wired', async () => {
    const moduleRef = await compileIngestModule(store, TriggersModule);
    const triggers = moduleRef.get(TriggersService);
    const ingest = moduleRef.get(IngestService);
    const reads = jest.spyOn(moduleRef.get(TriggersRepository), 'latest');
    const send = async (tenantId: string, stream: 'triggers' | 'signals', value: object) => {
      const principal = { keyId: 'k', tenantId, scopes: [Scope.INGEST] };
      const line = { line: 1, raw: JSON.stringify(value), value };
      expect((await ingest.ingest(principal, stream, [line])).accepted).toBe(1);
    };
    const definition = (triggerId: string) => ({
      trigger_id: triggerId,
      version: 1,
      name: triggerId,
      channel: 'push',
      signal_types: ['view'],
      window_ms: 60_000,
      success_types: ['buy'],
    });

    expect(await triggers.list('t-ingest')).toEqual([]);
    await send('t-ingest', 'triggers', definition('a'));
    expect(ids(await triggers.list('t-ingest'))).toEqual(['a']);
    expect(reads).toHaveBeenCalledTimes(2);
    // other streams and other tenants leave the entry alone
    await send('t-ingest', 'signals', {
      event_id: 'e-1',
      person_id: 'p-1',
      type: 'view',
      occurred_at: '2026-10-02T10:00:00Z',
    });
    await send('t-ingest-other', 'triggers', definition('b'));
    expect(ids(await triggers.list('t-ingest'))).toEqual(['a']);
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
