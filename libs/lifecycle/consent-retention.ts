import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { z } from 'zod';
import { AppConfig } from '../config/index.js';
import { LATEST_CONSENT_KEY } from '../measurement/common/sql.js';
import { PeriodicRun } from '../queue/index.js';
import { ClickHouseService, DataVersions } from '../storage/index.js';
import { alterTargets } from './cluster-targets.js';

/** The consent stream's retention: its table, event-time column and variable (see ConsentRetention). */
export const CONSENT_RETENTION = {
  table: 'consent',
  column: 'occurred_at',
  variable: 'RETENTION_DAYS_CONSENT',
} as const;

/** How often the API removes the consent events RETENTION_DAYS_CONSENT no longer keeps. */
export const CONSENT_SWEEP_INTERVAL_MS = 24 * 3_600_000;

/**
 * The tenant's consent events (by event_id, as FINAL shows them) older than the horizon that no
 * longer decide any state from the horizon on: every one of a (person, purpose) but its latest,
 * which stays as long as no later one replaces it. The latest is the measures' own
 * (LATEST_CONSENT_KEY: time, then recording time, then event_id). An event is read as its newest
 * version, and every version of a superseded one goes: a version left behind would become the
 * event again.
 */
const SUPERSEDED_EVENTS = `
  SELECT event_id FROM consent FINAL
  WHERE tenant_id = {tenantId:String}
    AND occurred_at < {horizon:DateTime64(3, 'UTC')}
    AND event_id NOT IN (
      SELECT argMax(event_id, (occurred_at, ${LATEST_CONSENT_KEY}))
      FROM consent FINAL
      WHERE tenant_id = {tenantId:String} AND occurred_at < {horizon:DateTime64(3, 'UTC')}
      GROUP BY person_id, purpose
    )`;

/**
 * RETENTION_DAYS_CONSENT, docs/design.md §10. Consent is the one stream whose old rows still decide
 * today's measures: the state of (person, purpose) at a firing is its latest event before the
 * firing, however old. A TTL would remove a grant still in force, and every firing after it would
 * count as sent without consent. So the days are not a TTL: an event older than them is removed
 * once a later event of the same (person, purpose), also older than them, replaces it. The event in
 * force at the horizon stays, and with it the state at every instant from the horizon on (and the
 * sync lag of a revocation in force); periods before the horizon see only the events kept.
 *
 * The API removes them at start and every 24 hours (in the background), by a mutation per tenant
 * that has any (`ALTER TABLE … DELETE`, which rewrites the parts: the events leave the disk), and
 * moves that tenant's data version.
 */
@Injectable()
export class ConsentRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly periodic = new PeriodicRun(ConsentRetention.name, () => this.sweep());

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
    private readonly versions: DataVersions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env[CONSENT_RETENTION.variable] !== undefined) {
      this.periodic.start(CONSENT_SWEEP_INTERVAL_MS, { now: true });
    }
  }

  /** Stops the timer and waits for a sweep under way: the store closes after this. */
  async onModuleDestroy(): Promise<void> {
    await this.periodic.stop();
  }

  /** Removes the events the days no longer keep; answers how many (0 when the days are unset). */
  async sweep(): Promise<number> {
    const days = this.config.env[CONSENT_RETENTION.variable];
    if (days === undefined) {
      return 0;
    }
    const [{ horizon }] = await this.clickhouse.query({
      tag: 'retention.consent.horizon',
      sql: `SELECT toString(now64(3) - toIntervalDay({days:UInt32})) AS horizon`,
      params: { days },
      row: z.object({ horizon: z.string() }),
    });
    // per tenant: its events older than the horizon, less one per (person, purpose)
    const tenants = await this.clickhouse.query({
      tag: 'retention.consent.tenants',
      sql: `SELECT tenant_id, toUInt64(count() - uniqExact(person_id, purpose)) AS superseded
            FROM consent FINAL
            WHERE occurred_at < {horizon:DateTime64(3, 'UTC')}
            GROUP BY tenant_id
            HAVING superseded > 0`,
      params: { horizon },
      row: z.object({ tenant_id: z.string(), superseded: z.coerce.number() }),
    });
    const target = alterTargets(this.config.env.CLICKHOUSE_CLUSTER)(CONSENT_RETENTION.table);
    for (const { tenant_id: tenantId } of tenants) {
      await this.versions.writing(tenantId, () =>
        this.clickhouse.command(
          'retention.consent.delete',
          `ALTER TABLE ${target} DELETE
           WHERE tenant_id = {tenantId:String} AND event_id IN (${SUPERSEDED_EVENTS})
           SETTINGS mutations_sync = 2, allow_nondeterministic_mutations = 1`,
          { tenantId, horizon },
        ),
      );
    }
    return tenants.reduce((sum, t) => sum + t.superseded, 0);
  }
}
