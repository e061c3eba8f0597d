import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ClickHouseService, toClickHouseTime } from '../../storage/index.js';
import { AlertsService } from './alerts.service.js';
import { queryLatestArrivals, queryTenantsToEvaluate } from './tenant-activity.query.js';
import { loggedFailure } from '../../errors/index.js';

const HOUR = 3_600_000;

/**
 * When alerts are evaluated: a tenant once its data settles (no new rows for
 * ALERT_EVALUATE_EVERY_MS after an ingest), and every tenant with recent firings or an open alert
 * hourly. Runs in the process that runs the processors (the API in embedded mode, the worker with
 * Redis); ALERT_EVALUATE_EVERY_MS=0 turns the schedule off (evaluateAlerts still works).
 */
@Injectable()
export class AlertSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertSchedule.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Per tenant, the latest arrival its last evaluation saw. */
  private readonly evaluatedArrival = new Map<string, number>();
  private lastHourly = Date.now();

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
    private readonly alerts: AlertsService,
  ) {}

  get everyMs(): number {
    return this.config.env.ALERT_EVALUATE_EVERY_MS;
  }

  onApplicationBootstrap(): void {
    if (this.everyMs > 0) {
      this.arm();
    }
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
    }
  }

  /**
   * One pass: settled tenants, then the hourly run when it is due; answers the tenants evaluated.
   * A tenant whose evaluation fails (a query deadline, say) is logged and passed over, so the
   * tenants after it are still evaluated: a settled one is tried again on the next pass (its
   * arrival is not marked as seen), one of the hourly run at the next hour.
   */
  async tick(now = Date.now()): Promise<string[]> {
    const evaluated: string[] = [];
    const failed = new Set<string>();
    const arrivals = await queryLatestArrivals(this.clickhouse, toClickHouseTime(now - 2 * HOUR));
    for (const [tenantId, last] of arrivals) {
      const settled = last <= now - this.everyMs;
      if (settled && last > (this.evaluatedArrival.get(tenantId) ?? 0)) {
        if (await this.evaluate(tenantId, now)) {
          this.evaluatedArrival.set(tenantId, last);
          evaluated.push(tenantId);
        } else {
          failed.add(tenantId);
        }
      }
    }
    if (now - this.lastHourly >= HOUR) {
      this.lastHourly = now;
      const lookback = now - this.config.env.ALERT_LOOKBACK_DAYS * 24 * HOUR;
      const tenants = await queryTenantsToEvaluate(this.clickhouse, {
        from: toClickHouseTime(lookback),
        to: toClickHouseTime(now),
      });
      // a tenant that failed above waits for the next pass rather than fail twice in this one
      for (const tenantId of tenants.filter((t) => !evaluated.includes(t) && !failed.has(t))) {
        if (await this.evaluate(tenantId, now)) {
          evaluated.push(tenantId);
        }
      }
    }
    return evaluated;
  }

  /** Evaluates one tenant; false, with the error logged, when its evaluation failed. */
  private async evaluate(tenantId: string, now: number): Promise<boolean> {
    try {
      await this.alerts.evaluate(tenantId, new Date(now));
      return true;
    } catch (error) {
      // what failed and where, not its message: a store's refusal quotes the row it refused
      this.logger.error({ err: loggedFailure(error), tenantId }, 'alert evaluation failed');
      return false;
    }
  }

  private arm(): void {
    if (this.stopped) {
      return;
    }
    this.timer = setTimeout(() => {
      void this.tick()
        .catch((error: unknown) =>
          this.logger.error({ err: loggedFailure(error) }, 'alert evaluation pass failed'),
        )
        .finally(() => this.arm());
    }, this.everyMs);
    this.timer.unref();
  }
}
