import { Global, Injectable, Module } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { ClickHouseService, toClickHouseTime } from '../storage/index.js';
import {
  erasureCheck,
  personIdHash,
  type ErasedField,
  type ErasedPersons,
  type LineToCheck,
} from './erased-persons.js';

export {
  ingestChecks,
  personIdHash,
  type ErasedField,
  withoutLines,
  type ErasedPersons,
  type LineToCheck,
  type QueuedBatch,
} from './erased-persons.js';

/** How long a tenant's list is trusted before it is read again (erasures by another process). */
const CACHE_MS = 2_000;

/** A tenant's erased persons and their firings, as keyed hashes. */
interface Erased {
  persons: ReadonlySet<string>;
  firings: ReadonlySet<string>;
}

/**
 * The persons erased with `blockReingest`, per tenant, as keyed hashes (table erased_persons), and
 * their firings (erased_firings), whose exposures name no person. Ingest asks for a tenant's check
 * once per request; a tenant with no erased person gets none, so its lines cost nothing more.
 */
@Injectable()
export class PersonBlocklist {
  private readonly cache = new Map<string, { erased: Erased; until: number }>();
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

  /**
   * A check for the lines of one request of `tenantId` (the field naming an erased person, if
   * any), or undefined when no one is blocked.
   */
  async checkFor(
    tenantId: string,
  ): Promise<((line: LineToCheck) => ErasedField | undefined) | undefined> {
    const erased = await this.erasedOf(tenantId);
    return erased === undefined ? undefined : erasureCheck(erased);
  }

  /**
   * The erased persons of `tenantId` as plain data, for a check made in another thread
   * (erasureCheck), or undefined when no one is blocked.
   */
  async erasedOf(tenantId: string): Promise<ErasedPersons | undefined> {
    const { persons, firings } = await this.erasedIn(tenantId);
    if (persons.size === 0 && firings.size === 0) {
      return undefined;
    }
    return {
      tenantId,
      hashes: [...persons],
      firingHashes: [...firings],
      pepper: this.config.env.CAUSEWAY_KEY_PEPPER,
    };
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
      if ((await this.erasedOf(tenantId)) !== undefined) {
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
    this.blocked(tenantId);
  }

  /** Blocks the exposures of a blocked person's firings from now on, as `block` does. */
  async blockFirings(tenantId: string, firingIds: readonly string[]): Promise<void> {
    if (firingIds.length === 0) {
      return;
    }
    const erasedAt = toClickHouseTime(Date.now());
    await this.clickhouse.insert({
      table: 'erased_firings',
      tag: 'erasure.block_firings',
      rows: firingIds.map((firingId) => ({
        tenant_id: tenantId,
        firing_hash: this.hash(tenantId, firingId),
        erased_at: erasedAt,
      })),
    });
    this.blocked(tenantId);
  }

  private blocked(tenantId: string): void {
    this.blocks++;
    this.cache.delete(tenantId);
  }

  private async erasedIn(tenantId: string): Promise<Erased> {
    const cached = this.cache.get(tenantId);
    if (cached !== undefined && cached.until > Date.now()) {
      return cached.erased;
    }
    const started = Date.now();
    const blocks = this.blocks;
    const rows = await this.clickhouse.query({
      tag: 'erasure.blocklist',
      sql: `SELECT DISTINCT 'person' AS kind, person_hash AS hash
            FROM erased_persons WHERE tenant_id = {tenantId:String}
            UNION ALL
            SELECT DISTINCT 'firing', firing_hash
            FROM erased_firings WHERE tenant_id = {tenantId:String}`,
      params: { tenantId },
      row: z.object({ kind: z.enum(['person', 'firing']), hash: z.string() }),
    });
    const erased = {
      persons: new Set(rows.filter((r) => r.kind === 'person').map((r) => r.hash)),
      firings: new Set(rows.filter((r) => r.kind === 'firing').map((r) => r.hash)),
    };
    if (blocks === this.blocks) {
      this.cache.set(tenantId, { erased, until: started + CACHE_MS });
    }
    return erased;
  }
}

/** The blocklist, global: ingest checks it and erasure writes it, in one instance per process. */
@Global()
@Module({ providers: [PersonBlocklist], exports: [PersonBlocklist] })
export class PersonBlocklistModule {}
