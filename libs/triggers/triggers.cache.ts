import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { StoredBatches } from '../ingest/index.js';
import { DataVersions, deadlineScope, runInQueryScope } from '../storage/index.js';
import { TriggersRepository, type TriggerRow } from './triggers.repository.js';

/** One tenant's read of its newest definitions, finished or still running. */
interface Entry {
  /** When the read began: it sees every write that had finished by then. */
  startedAt: number;
  rows: Promise<readonly TriggerRow[]>;
}

/**
 * The newest definition of each trigger, per tenant, kept in memory so that the `triggers` query
 * does not wait its turn in the engine (the embedded one runs one query at a time).
 *
 * - Concurrent misses of one tenant share one read.
 * - Every write this process makes forgets the tenant's entry: `define` says so, and ingest of the
 *   `triggers` stream does through {@link StoredBatches}. A read still running then is dropped.
 * - An entry serves for TRIGGER_CACHE_TTL_MS from the start of its read, so that what another
 *   process writes (the worker app) shows within that time; 0 reads the store every time.
 * - Once an entry is half that old, the next caller starts a read in the background and is
 *   answered from the entry; the read replaces it when it lands. Under a steady stream of
 *   requests no caller waits for the engine (a miss made every request of that moment wait for
 *   the read, and behind whatever statement the engine was running).
 * - A read of the tenant's data version that finds a version this process had not seen (a write
 *   of another process, in server mode) forgets the entry too, so that an answer computed and kept
 *   at that version (the answer cache) reads the definitions as they are.
 */
@Injectable()
export class TriggersCache {
  private readonly entries = new Map<string, Entry>();
  /** Reads renewing an entry ahead of its expiry, per tenant. */
  private readonly renewals = new Map<string, Entry>();
  private readonly ttlMs: number;

  constructor(
    private readonly repository: TriggersRepository,
    private readonly config: AppConfig,
    @Optional() storedBatches?: StoredBatches,
    @Optional() versions?: DataVersions,
  ) {
    this.ttlMs = config.env.TRIGGER_CACHE_TTL_MS;
    storedBatches?.subscribe((batch) => {
      if (batch.stream === 'triggers') {
        this.forget(batch.tenantId);
      }
    });
    versions?.onNewVersionSeen((tenantId) => this.forget(tenantId));
  }

  /** The newest version of each of the tenant's triggers; shared with other callers, read-only. */
  latest(tenantId: string): Promise<readonly TriggerRow[]> {
    if (this.ttlMs === 0) {
      return this.repository.latest(tenantId);
    }
    const now = Date.now();
    const cached = this.entries.get(tenantId);
    if (cached !== undefined && now - cached.startedAt < this.ttlMs) {
      if (now - cached.startedAt >= this.ttlMs / 2 && !this.renewals.has(tenantId)) {
        this.renew(tenantId, cached);
      }
      return cached.rows;
    }
    const renewal = this.renewals.get(tenantId);
    this.renewals.delete(tenantId);
    const entry =
      renewal !== undefined && now - renewal.startedAt < this.ttlMs
        ? renewal
        : { startedAt: now, rows: this.read(tenantId) };
    this.entries.set(tenantId, entry);
    entry.rows.catch(() => {
      // a failed read is not kept: the next caller tries again
      if (this.entries.get(tenantId) === entry) {
        this.entries.delete(tenantId);
      }
    });
    return entry.rows;
  }

  /** Reads the tenant's definitions again while `current` still serves; the new rows replace it. */
  private renew(tenantId: string, current: Entry): void {
    const renewal: Entry = { startedAt: Date.now(), rows: this.read(tenantId) };
    this.renewals.set(tenantId, renewal);
    renewal.rows.then(
      () => {
        if (this.renewals.get(tenantId) !== renewal) {
          return; // forgotten, or already taken as the entry by a caller past the expiry
        }
        this.renewals.delete(tenantId);
        if (this.entries.get(tenantId) === current) {
          this.entries.set(tenantId, renewal);
        }
      },
      () => {
        // a failed renewal leaves the entry to expire; the caller after that reads again
        if (this.renewals.get(tenantId) === renewal) {
          this.renewals.delete(tenantId);
        }
      },
    );
  }

  /** Drops the tenant's entry: its next `latest` reads the store. */
  forget(tenantId: string): void {
    this.entries.delete(tenantId);
    this.renewals.delete(tenantId);
  }

  /**
   * The shared read runs under a deadline of its own, not the request's that happened to miss
   * first: that client hanging up would otherwise cancel the read for every caller waiting on it.
   */
  private async read(tenantId: string): Promise<readonly TriggerRow[]> {
    const scope = deadlineScope(this.config.env.REQUEST_TIMEOUT_MS);
    try {
      return await runInQueryScope(scope, () => this.repository.latest(tenantId));
    } finally {
      scope.dispose();
    }
  }
}
