import { Global, Injectable, Module } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { ClickHouseService, toClickHouseTime } from '../storage/index.js';
import {
  erasureCheck,
  personIdHash,
  type ErasedPersons,
  type LineToCheck,
} from './erased-persons.js';

export {
  personIdHash,
  withoutLines,
  type ErasedPersons,
  type LineToCheck,
  type QueuedBatch,
} from './erased-persons.js';

/** How long a tenant's list is trusted before it is read again (erasures by another process). */
const CACHE_MS = 2_000;

/**
 * The persons erased with `blockReingest`, per tenant, as keyed hashes (table erased_persons).
 * Ingest asks for a tenant's check once per request; a tenant with no erased person gets none,
 * so its lines cost nothing more.
 */
@Injectable()
export class PersonBlocklist {
  private readonly cache = new Map<string, { hashes: ReadonlySet<string>; until: number }>();
  /** Blocks made by this process: a list read while one was made is not kept. */
  private blocks = 0;
  /** Writes under way that check no line (see whileNoneErased): their tenant and start. */
  private readonly unchecked = new Set<{ tenantId: string; startedAt: number }>();

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
  ) {}

  hash(tenantId: string, personId: string): string {
    return personIdHash(tenantId, personId, this.config.env.CAUSEWAY_KEY_PEPPER);
  }

  /** A check for the lines of one request of `tenantId`, or undefined when no one is blocked. */
  async checkFor(tenantId: string): Promise<((line: LineToCheck) => boolean) | undefined> {
    const erased = await this.erasedOf(tenantId);
    return erased === undefined ? undefined : erasureCheck(erased);
  }

  /**
   * The erased persons of `tenantId` as plain data, for a check made in another thread
   * (erasureCheck), or undefined when no one is blocked.
   */
  async erasedOf(tenantId: string): Promise<ErasedPersons | undefined> {
    const hashes = await this.hashesOf(tenantId);
    if (hashes.size === 0) {
      return undefined;
    }
    return { tenantId, hashes: [...hashes], pepper: this.config.env.CAUSEWAY_KEY_PEPPER };
  }

  /**
   * Runs `write`, a write of the tenant's rows that no check reads line by line (a Parquet
   * import's plain rows, which the engine stores itself), if no person of the tenant is blocked;
   * answers whether it ran. Such imports run only on the embedded engine, in the process that
   * erases: an erasure blocks first, then waits for the writes begun before its block
   * (uncheckedWritesBegunBy) and deletes what they brought.
   */
  async whileNoneErased(tenantId: string, write: () => Promise<void>): Promise<boolean> {
    const entry = { tenantId, startedAt: Date.now() };
    this.unchecked.add(entry);
    try {
      if ((await this.hashesOf(tenantId)).size > 0) {
        return false;
      }
      await write();
      return true;
    } finally {
      this.unchecked.delete(entry);
    }
  }

  /** How many writes of `whileNoneErased` of the tenant, begun at or before `at`, are under way. */
  uncheckedWritesBegunBy(tenantId: string, at: number): number {
    return [...this.unchecked].filter((w) => w.tenantId === tenantId && w.startedAt <= at).length;
  }

  /** Blocks a person from now on, in this process at once and in others within CACHE_MS. */
  async block(tenantId: string, personHash: string): Promise<void> {
    await this.clickhouse.insert({
      table: 'erased_persons',
      tag: 'erasure.block',
      rows: [
        { tenant_id: tenantId, person_hash: personHash, erased_at: toClickHouseTime(Date.now()) },
      ],
    });
    this.blocks++;
    this.cache.delete(tenantId);
  }

  private async hashesOf(tenantId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(tenantId);
    if (cached !== undefined && cached.until > Date.now()) {
      return cached.hashes;
    }
    const started = Date.now();
    const blocks = this.blocks;
    const rows = await this.clickhouse.query({
      tag: 'erasure.blocklist',
      sql: 'SELECT DISTINCT person_hash FROM erased_persons WHERE tenant_id = {tenantId:String}',
      params: { tenantId },
      row: z.object({ person_hash: z.string() }),
    });
    const hashes = new Set(rows.map((r) => r.person_hash));
    if (blocks === this.blocks) {
      this.cache.set(tenantId, { hashes, until: started + CACHE_MS });
    }
    return hashes;
  }
}

/** The blocklist, global: ingest checks it and erasure writes it, in one instance per process. */
@Global()
@Module({ providers: [PersonBlocklist], exports: [PersonBlocklist] })
export class PersonBlocklistModule {}
