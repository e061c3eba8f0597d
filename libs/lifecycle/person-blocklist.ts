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

  /** Blocks a person from now on, in this process at once and in others within CACHE_MS. */
  async block(tenantId: string, personHash: string): Promise<void> {
    await this.clickhouse.insert({
      table: 'erased_persons',
      tag: 'erasure.block',
      rows: [
        { tenant_id: tenantId, person_hash: personHash, erased_at: toClickHouseTime(Date.now()) },
      ],
    });
    this.cache.delete(tenantId);
  }

  private async hashesOf(tenantId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(tenantId);
    if (cached !== undefined && cached.until > Date.now()) {
      return cached.hashes;
    }
    const started = Date.now();
    const rows = await this.clickhouse.query({
      tag: 'erasure.blocklist',
      sql: 'SELECT DISTINCT person_hash FROM erased_persons WHERE tenant_id = {tenantId:String}',
      params: { tenantId },
      row: z.object({ person_hash: z.string() }),
    });
    const hashes = new Set(rows.map((r) => r.person_hash));
    this.cache.set(tenantId, { hashes, until: started + CACHE_MS });
    return hashes;
  }
}

/** The blocklist, global: ingest checks it and erasure writes it, in one instance per process. */
@Global()
@Module({ providers: [PersonBlocklist], exports: [PersonBlocklist] })
export class PersonBlocklistModule {}
