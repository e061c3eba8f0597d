import { Global, Injectable, Module } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { ClickHouseService, toClickHouseTime } from '../storage/index.js';

/** How long a tenant's list is trusted before it is read again (erasures by another process). */
const CACHE_MS = 2_000;

/** A line as ingest reads it: its text, and its parsed value when it was parsed. */
export interface LineToCheck {
  raw: string;
  value?: unknown;
}

/**
 * The keyed hash an erased person is known by: HMAC-SHA-256 with the server's pepper over the
 * tenant and the id. Without the pepper the hash cannot be tested against guessed ids; with it,
 * a row naming the person again is recognised.
 */
export function personIdHash(tenantId: string, personId: string, pepper: string): string {
  return createHmac('sha256', pepper).update(`${tenantId}\n${personId}`).digest('hex');
}

/** The person a line names, when it is a JSON object with a string person_id. */
function personIdOf(line: LineToCheck): string | undefined {
  let value = line.value;
  if (!('value' in line)) {
    try {
      value = JSON.parse(line.raw) as unknown;
    } catch {
      return undefined; // not JSON: validation refuses it and no person is named
    }
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const personId = (value as Record<string, unknown>).person_id;
  return typeof personId === 'string' ? personId : undefined;
}

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
    const hashes = await this.hashesOf(tenantId);
    if (hashes.size === 0) {
      return undefined;
    }
    return (line) => {
      const personId = personIdOf(line);
      return personId !== undefined && hashes.has(this.hash(tenantId, personId));
    };
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
