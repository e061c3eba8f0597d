import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { serialize } from 'node:v8';
import { stringify } from 'safe-stable-stringify';
import { AppConfig } from '../config/index.js';
import { CONSENT_RETENTION, RETENTION } from '../lifecycle/index.js';
import { MetricsService } from '../observability/index.js';
import { DataVersions } from '../storage/index.js';

/** What an answer is kept under: whose, which query, with which arguments. */
export interface AnswerKey {
  tenantId: string;
  /** The query's name, as the metrics label it. */
  query: string;
  /** The arguments as the query received them; their order does not matter. */
  args: unknown;
}

/** A kept answer: the data version it was computed at, and its size. */
interface Entry {
  tenantId: string;
  version: number;
  query: string;
  answer: unknown;
  /** The bytes of the answer serialized (node:v8), which is what the bound counts. */
  bytes: number;
}

/** Bytes in a megabyte of RESULT_CACHE_MB. */
const MEGABYTE = 1024 * 1024;

/**
 * How long an answer is kept when a stream has a retention (RETENTION_DAYS_*). Rows past it leave
 * at merges the engine schedules itself (hours apart), which move no data version: an answer kept
 * from before such a merge would otherwise be served until the tenant's next write.
 */
export const RETAINED_ANSWER_MAX_AGE_MS = 3_600_000;

/** Whether any stream's rows leave after a number of days (see RETAINED_ANSWER_MAX_AGE_MS). */
export function retains(config: AppConfig): boolean {
  return [...RETENTION, CONSENT_RETENTION].some(
    ({ variable }) => config.env[variable] !== undefined,
  );
}

/**
 * Answers of the measures kept in memory, least recently used first out once RESULT_CACHE_MB is
 * full (0 keeps none). An answer is kept under (tenant, query, arguments in a canonical form) with
 * the tenant's data version it was computed at, and serves only while that version is current: any
 * write of the tenant moves its version (see DataVersions), so its answers are computed again and
 * another tenant's are untouched. A kept answer is handed to every caller that hits it, as it is:
 * GraphQL only reads what a resolver answers. The bound counts each answer's bytes serialized.
 */
@Injectable()
export class ResultCache {
  private readonly entries: LRUCache<string, Entry> | undefined;
  /** Per tenant, the ids of its kept answers. */
  private readonly idsOf = new Map<string, Set<string>>();

  constructor(
    config: AppConfig,
    private readonly versions: DataVersions,
    private readonly metrics: MetricsService,
  ) {
    const maxSize = Math.floor(config.env.RESULT_CACHE_MB * MEGABYTE);
    this.entries =
      maxSize === 0
        ? undefined
        : new LRUCache<string, Entry>({
            maxSize,
            ttl: retains(config) ? RETAINED_ANSWER_MAX_AGE_MS : 0,
            sizeCalculation: (entry, key) => entry.bytes + Buffer.byteLength(key),
            dispose: (entry, key, reason) => {
              if (reason === 'evict') {
                metrics.resultCacheEvictions.inc({ query: entry.query });
              }
              // replaced: the id stays, with its newer answer
              if (reason !== 'set') {
                this.idsOf.get(entry.tenantId)?.delete(key);
              }
            },
          });
    // A tenant's answers kept at an older version are never served again: they are let go as soon
    // as its version moves, by a write of this process (an erasure among them: nothing it deleted
    // stays in memory) or of another one, seen on a read.
    versions.onWritten((tenantId) => this.forget(tenantId));
    versions.onNewVersionSeen((tenantId) => this.forget(tenantId));
    metrics.onScrape(() => {
      metrics.resultCacheBytes.set(this.entries?.calculatedSize ?? 0);
      metrics.resultCacheEntries.set(this.entries?.size ?? 0);
      return Promise.resolve();
    });
  }

  /** False when RESULT_CACHE_MB is 0: every answer is computed. */
  get enabled(): boolean {
    return this.entries !== undefined;
  }

  /**
   * The answer kept for `key` at the tenant's current data version, else `compute()`'s, then kept.
   * The version is read before computing: rows written after it may or may not be in the answer,
   * and either way it is filed under a version that their write has already left behind. An
   * answer `keep` refuses (one that read the clock, and would read otherwise later) is not kept.
   */
  async answer<T>(
    key: AnswerKey,
    compute: () => Promise<T>,
    keep: (answer: T) => boolean = () => true,
  ): Promise<T> {
    if (this.entries === undefined) {
      return compute();
    }
    const version = await this.versions.current(key.tenantId);
    const id = stringify([key.tenantId, key.query, key.args]);
    const kept = this.entries.get(id);
    if (kept?.version === version) {
      this.metrics.resultCacheHits.inc({ query: key.query });
      return kept.answer as T;
    }
    this.metrics.resultCacheMisses.inc({ query: key.query });
    const answer = await compute();
    if (!keep(answer)) {
      return answer;
    }
    // A slower computation at an older version does not replace one at a newer version.
    const newest = this.entries.peek(id);
    if (newest === undefined || newest.version <= version) {
      this.entries.set(id, {
        tenantId: key.tenantId,
        version,
        query: key.query,
        answer,
        bytes: serialize(answer).byteLength,
      });
      const ids = this.idsOf.get(key.tenantId) ?? new Set<string>();
      this.idsOf.set(key.tenantId, ids.add(id));
    }
    return answer;
  }

  /** Lets go of every answer kept for `tenantId`. */
  private forget(tenantId: string): void {
    const ids = this.idsOf.get(tenantId);
    this.idsOf.delete(tenantId);
    for (const id of ids ?? []) {
      this.entries?.delete(id);
    }
  }
}
