import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { DataVersions, MemoryDataVersions } from '../storage/index.js';
import type { TriggerInput } from './dto/trigger.input.js';
import type { Trigger } from './models/trigger.model.js';
import { missingDefinitions } from './readiness.js';
import { toStoredDefinition } from './trigger-definition.js';
import { nearestTriggerId } from './trigger-ids.js';
import { TriggersCache } from './triggers.cache.js';
import { TriggersErrorCode, TriggersException } from './triggers.exception.js';
import { TriggersRepository, type TriggerRow } from './triggers.repository.js';

/** The API shape of a stored definition, with its readiness. */
export function toTrigger(row: TriggerRow): Trigger {
  const missing = missingDefinitions(row);
  return {
    triggerId: row.trigger_id,
    version: row.version,
    name: row.name,
    channel: row.channel,
    surface: row.surface,
    audience: row.audience,
    signalTypes: row.signal_types,
    windowMs: row.window_ms,
    successTypes: row.success_types,
    conversionWindowMs: row.conversion_window_ms,
    guardrailTypes: row.guardrail_types,
    holdoutPct: row.holdout_pct,
    plannedPersons: row.planned_persons,
    frequencyCapMax: row.frequency_cap_max,
    frequencyCapPerMs: row.frequency_cap_per_ms,
    convertedLookbackMs: row.suppression_converted_lookback_ms,
    consentPurpose: row.consent_purpose,
    status: row.status,
    ready: missing.length === 0,
    missing,
  };
}

@Injectable()
export class TriggersService {
  /** Per tenant and trigger, the tail of the definitions being written (see define). */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly repository: TriggersRepository,
    private readonly config: AppConfig,
    // Nest injects the module's cache, which also hears ingest; built by hand, the service keeps
    // a cache of its own that only its own definitions invalidate.
    private readonly cache: TriggersCache = new TriggersCache(repository, config),
    // Nest injects the process's data versions; built by hand, versions no one else reads.
    private readonly dataVersions: DataVersions = new MemoryDataVersions(),
  ) {}

  /**
   * The tenant's triggers (newest version each), optionally of one status, with readiness. Served
   * from {@link TriggersCache}: at most TRIGGER_CACHE_TTL_MS behind writes of other processes.
   */
  async list(tenantId: string, status?: string): Promise<Trigger[]> {
    const rows = await this.cache.latest(tenantId);
    return rows.filter((r) => status === undefined || r.status === status).map(toTrigger);
  }

  /**
   * Every stored version of a trigger, newest first, each with its readiness; none for a trigger
   * only firings carry. An id no definition and no firing of the tenant has is refused.
   */
  async versions(tenantId: string, triggerId: string): Promise<Trigger[]> {
    if (triggerId.trim() === '') {
      throw new TriggersException(
        TriggersErrorCode.InvalidDefinition,
        'triggerId must not be empty',
      );
    }
    const versions = await this.repository.versions(tenantId, triggerId);
    if (versions.length === 0 && !(await this.repository.fired(tenantId, triggerId))) {
      // a mistyped id would read as a trigger never defined: refused, naming the likely one
      const defined = (await this.list(tenantId)).map((trigger) => trigger.triggerId);
      const nearest = nearestTriggerId(triggerId, defined);
      throw new TriggersException(
        TriggersErrorCode.UnknownTrigger,
        `triggerId: no trigger '${triggerId}' here: no definition and no firing of the tenant has that id` +
          (nearest === null ? '' : `; did you mean '${nearest}'?`),
      );
    }
    return versions.map(toTrigger);
  }

  /**
   * Stores a new version of a trigger definition and answers it with its readiness. The version
   * is the input's, else one more than the highest stored. A draft may lack any definition; `live`
   * is refused (nothing stored) until all six are present. Definitions of one trigger are
   * written one after the other in this process, so two calls never pick the same version here.
   */
  define(tenantId: string, input: TriggerInput): Promise<Trigger> {
    const key = JSON.stringify([tenantId, input.triggerId]);
    const previous = this.writing.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => this.write(tenantId, input),
      () => this.write(tenantId, input),
    );
    const tail = next.catch(() => undefined);
    this.writing.set(key, tail);
    void tail.then(() => {
      if (this.writing.get(key) === tail) {
        this.writing.delete(key);
      }
    });
    return next;
  }

  private async write(tenantId: string, input: TriggerInput): Promise<Trigger> {
    const env = this.config.env;
    const context = {
      tenantId,
      receivedAt: Date.now(),
      limits: {
        maxRows: env.INGEST_MAX_ROWS,
        maxFieldChars: env.INGEST_MAX_FIELD_CHARS,
        maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
      },
    };
    // checked before the store is asked for a version: a definition that breaks a field rule
    // (an empty triggerId) is the caller's error, named by its field, not a failed query
    let stored = toStoredDefinition(input, input.version ?? 1, context);
    if (input.version === undefined || input.version === null) {
      const highest = await this.repository.highestVersion(tenantId, input.triggerId);
      stored = toStoredDefinition(input, highest + 1, context);
    }
    // the cache forgets before the data version moves: an answer computed at the new version
    // reads the definitions again
    await this.dataVersions.writing(tenantId, async () => {
      try {
        await this.repository.insert(stored.row);
      } finally {
        // even a failed insert may have stored the row
        this.cache.forget(tenantId);
      }
    });
    return toTrigger(stored.definition);
  }
}
