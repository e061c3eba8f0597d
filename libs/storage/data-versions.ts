import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppConfig } from '../config/index.js';
import type { ClickHouseService } from './clickhouse.service.js';
import { Listeners } from './listeners.js';
import { defineQuery } from './query.js';

/** A tenant's data version in a shared store: the writes recorded for it (migration 0075). */
export const DATA_VERSION_QUERY = defineQuery({
  name: 'data_versions.current',
  module: import.meta.url,
  sql: `
-- every write recorded for the tenant, in merged rows or not yet merged ones (0 when none)
SELECT sum(writes) AS version
FROM data_versions
WHERE tenant_id = {tenantId:String}`,
  params: z.object({ tenantId: z.string().min(1) }),
  row: z.object({ version: z.number() }),
});

/**
 * A tenant's data version: a number that grows with every write that changes what the tenant's
 * measures read (ingest of any stream, trigger definitions, erasures), and that no write of another
 * tenant moves. An answer computed at a version may be served again while the version is the same.
 *
 * Writers call {@link bump} once their change is stored and before they answer, even when the write
 * failed half-way (it may have stored rows). Readers take {@link current} before they compute: an
 * answer is then never older than the version it is filed under, because a version is only ever
 * moved after the rows it stands for can be read.
 */
export abstract class DataVersions {
  private readonly seenListeners = new Listeners<string>();
  private readonly writeListeners = new Listeners<string>();

  /**
   * Whose count the versions are: two versions compare only within one epoch. What is kept beyond
   * the process (in the store) at a version is filed under the epoch too, and is not trusted in
   * another epoch, where the same number may stand for other data.
   */
  abstract readonly epoch: string;

  /** The tenant's version now (0 before its first write). */
  abstract current(tenantId: string): Promise<number>;

  /** Records a write of the tenant that is stored (or may be): its version moves on. */
  abstract bump(tenantId: string): Promise<void>;

  /**
   * Runs `write`, a write of the tenant, and then {@link bump}s. A write that fails bumps too (it may
   * have stored rows before it failed) and fails with its own error; its caller is told to try
   * again, and the retry bumps once more.
   */
  async writing<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await write();
    } catch (error) {
      await this.bump(tenantId).catch(() => undefined);
      this.writeListeners.call(tenantId);
      throw error;
    }
    await this.bump(tenantId);
    this.writeListeners.call(tenantId);
    return result;
  }

  /**
   * Calls `listener` after each write of this process through {@link writing}, once its version
   * moved (or the move was tried): what is kept at an earlier version can be let go. Listeners run
   * synchronously and must not throw. Returns the unsubscribe.
   */
  onWritten(listener: (tenantId: string) => void): () => void {
    return this.writeListeners.add(listener);
  }

  /**
   * Calls `listener` when a read finds a tenant's version newer than any this process read before
   * (its first read of the tenant too), before that read answers: what the process keeps in memory
   * from the tenant's rows (trigger definitions) may predate writes of other processes, and must be
   * read again before an answer is computed at the new version. Listeners run synchronously and
   * must not throw. Returns the unsubscribe.
   */
  onNewVersionSeen(listener: (tenantId: string) => void): () => void {
    return this.seenListeners.add(listener);
  }

  protected newVersionSeen(tenantId: string): void {
    this.seenListeners.call(tenantId);
  }
}

/**
 * Versions of the embedded engine, kept in memory: one process owns the data directory, so every
 * write is this process's own and passes through {@link bump}. Its writers tell their own caches,
 * so it never reports a new version seen. The count starts from zero in every process (writes of
 * an earlier process, or of a command run on the directory between two, are not counted), so the
 * epoch is new in every instance.
 */
export class MemoryDataVersions extends DataVersions {
  readonly epoch = randomUUID();
  private readonly versions = new Map<string, number>();

  current(tenantId: string): Promise<number> {
    return Promise.resolve(this.versions.get(tenantId) ?? 0);
  }

  bump(tenantId: string): Promise<void> {
    this.versions.set(tenantId, (this.versions.get(tenantId) ?? 0) + 1);
    return Promise.resolve();
  }
}

/**
 * Versions of a ClickHouse server shared by several processes (API replicas, workers): each write
 * adds a row to `data_versions` and a read sums the tenant's rows, so a write of any process shows
 * in the next read of every other. A read costs one small query.
 */
export class StoreDataVersions extends DataVersions {
  /** One count for every process and every restart: the store keeps it. */
  readonly epoch = '';
  /** Per tenant, the newest version this process has read. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly clickhouse: ClickHouseService) {
    super();
  }

  async current(tenantId: string): Promise<number> {
    const [row] = await this.clickhouse.run(DATA_VERSION_QUERY, { tenantId });
    const version = row?.version ?? 0;
    if (version > (this.seen.get(tenantId) ?? -1)) {
      this.seen.set(tenantId, version);
      this.newVersionSeen(tenantId);
    }
    return version;
  }

  async bump(tenantId: string): Promise<void> {
    await this.clickhouse.insert({
      table: 'data_versions',
      tag: 'data_versions.bump',
      rows: [{ tenant_id: tenantId, writes: 1 }],
      // a replicated table drops a block equal to a recent one: every bump is the same row
      settings: { insert_deduplicate: 0 },
    });
  }
}

/** The versions a process uses: in memory on the embedded engine, in the store on a server. */
export function dataVersionsFor(config: AppConfig, clickhouse: ClickHouseService): DataVersions {
  return config.embedded ? new MemoryDataVersions() : new StoreDataVersions(clickhouse);
}
