import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName, REDIS_CONNECTION, redisDurabilityWarnings } from '../queue/index.js';
import { ClickHouseService, Migrator } from '../storage/index.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

/** Whether this process can do its work: the store answers and is migrated, the queue is reachable. */
@Injectable()
export class HealthService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    @Optional() @Inject(getQueueToken(QueueName.Ingest)) private readonly queue?: Queue,
    @Optional() @Inject(REDIS_CONNECTION) private readonly redis?: Redis,
  ) {}

  async readiness(): Promise<Readiness> {
    const checks: Readiness['checks'] = {};
    const reachable = await this.clickhouse.ping();
    checks.clickhouse = { ok: reachable, detail: reachable ? 'reachable' : 'not reachable' };
    if (reachable) {
      try {
        const pending = await new Migrator(this.clickhouse).pending();
        checks.migrations = {
          ok: pending.length === 0,
          detail: pending.length === 0 ? 'applied' : `${pending.length} pending`,
        };
      } catch (error) {
        checks.migrations = {
          ok: false,
          detail: error instanceof Error ? error.message : 'unknown',
        };
      }
    }
    if (this.queue !== undefined) {
      const client = await this.queue.getBackend().client;
      let ok: boolean;
      try {
        ok = client.status === 'ready' && (await client.info()).length > 0;
      } catch {
        ok = false;
      }
      // what may lose queued batches is said beside the check, not failed: the process can work
      const warnings =
        ok && this.redis !== undefined ? await redisDurabilityWarnings(this.redis) : [];
      checks.redis = {
        ok,
        detail: ok ? ['reachable', ...warnings].join('; ') : `not reachable (${client.status})`,
      };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}
