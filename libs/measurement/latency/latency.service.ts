import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ClickHouseService } from '../../storage/index.js';
import { toPeriod } from '../common/period.js';
import { compareBytes, runByTriggerGroups } from '../common/trigger-parts.js';
import { TrendFacts } from '../over-time/trend-facts.js';
import { LatencyDimension } from './dto/latency-dimension.enum.js';
import {
  LATENCY_FACTS_QUERY,
  TRIGGER_LATENCY_QUERY,
  type TriggerLatencyRow,
} from './latency.query.js';
import type { LatencyStats } from './models/latency-stats.model.js';

/** What {@link LatencyService.triggerLatency} is asked. */
export interface TriggerLatencyRequest {
  from: Date;
  to: Date;
  /** Omitted or empty = every trigger. */
  triggerIds?: readonly string[] | null;
  /** Dimensions beyond the trigger. */
  groupBy?: readonly LatencyDimension[] | null;
}

function toLatencyStats(row: TriggerLatencyRow): LatencyStats {
  return {
    triggerId: row.trigger_id,
    channel: row.channel,
    day: row.day_key === '' ? null : row.day_key,
    firings: row.firings,
    noSignalTime: row.no_signal_time,
    p50Ms: row.p50_ms,
    p90Ms: row.p90_ms,
    p95Ms: row.p95_ms,
    p99Ms: row.p99_ms,
    maxMs: row.max_ms,
    signalToDecisionP50Ms: row.signal_to_decision_p50_ms,
    decisionToDeliveryP50Ms: row.decision_to_delivery_p50_ms,
    windowMs: row.window_ms,
    withinWindowRate: row.within_window_rate,
    expired: row.expired,
  };
}

/** Signal-to-action latency against each trigger's relevance window (docs/design.md §3). */
@Injectable()
export class LatencyService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly config: AppConfig,
    @Optional() private readonly facts?: TrendFacts,
  ) {}

  /**
   * Latency of the sent treatment firings decided in [from, to), per trigger and the requested
   * dimensions, ordered by trigger, day, channel. Groups whose firings all lack a signal time are
   * not returned (there is no latency to report). Read from the tenant's trend facts when a build
   * is current (see TrendFacts.current), else from the streams (per group of triggers, see
   * runByTriggerGroups); the same answer either way.
   */
  async triggerLatency(tenantId: string, request: TriggerLatencyRequest): Promise<LatencyStats[]> {
    const period = toPeriod(request.from, request.to);
    const dimensions = new Set(request.groupBy ?? []);
    const params = {
      tenantId,
      ...period.params,
      triggerIds: [...(request.triggerIds ?? [])],
      byChannel: dimensions.has(LatencyDimension.CHANNEL),
      byDay: dimensions.has(LatencyDimension.DAY),
    };
    const buildId = await this.facts?.forPeriod(tenantId, period);
    const rows =
      buildId === undefined
        ? await runByTriggerGroups(
            this.clickhouse,
            params,
            this.config.env.STREAMS_PART_FIRINGS,
            (triggerIds) => this.clickhouse.run(TRIGGER_LATENCY_QUERY, { ...params, triggerIds }),
            // the statement's ORDER BY trigger_id, day_key, channel_key (channel_key is the
            // channel when split by channel, else one row per day)
            (a, b) =>
              compareBytes(a.trigger_id, b.trigger_id) ||
              compareBytes(a.day_key, b.day_key) ||
              compareBytes(a.channel, b.channel),
          )
        : await this.clickhouse.run(LATENCY_FACTS_QUERY, { ...params, buildId });
    return rows.map(toLatencyStats);
  }
}
