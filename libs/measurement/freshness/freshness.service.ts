import { Injectable } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { toPeriod } from '../common/period.js';
import { SIGNAL_FRESHNESS_QUERY, type SignalFreshnessRow } from './freshness.query.js';
import type { FreshnessStats } from './models/freshness-stats.model.js';

function toFreshnessStats(row: SignalFreshnessRow): FreshnessStats {
  return {
    type: row.type,
    source: row.source,
    kind: row.kind,
    signals: row.signals,
    lagP50Ms: row.lag_p50_ms,
    lagP90Ms: row.lag_p90_ms,
    lagP99Ms: row.lag_p99_ms,
    inputAgeP50Ms: row.input_age_p50_ms,
    inputAgeP90Ms: row.input_age_p90_ms,
    exceedsWindowOf: row.exceeds_window_of,
    exceededWindows: row.exceeds_window_of.map((triggerId, i) => ({
      triggerId,
      windowMs: row.exceeded_window_ms[i],
    })),
    stale: row.exceeds_window_of.length > 0,
  };
}

/** Signal freshness: ingest lag and model-input age against the windows of the triggers armed. */
@Injectable()
export class FreshnessService {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /** Freshness per signal type, source and kind over the signals that occurred in [from, to). */
  async signalFreshness(tenantId: string, from: Date, to: Date): Promise<FreshnessStats[]> {
    const period = toPeriod(from, to);
    const rows = await this.clickhouse.run(SIGNAL_FRESHNESS_QUERY, { tenantId, ...period.params });
    return rows.map(toFreshnessStats);
  }
}
