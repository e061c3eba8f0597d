import { Injectable, Optional } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { outcomeClassesOf } from '../common/outcome-classes.js';
import { toPeriod } from '../common/period.js';
import { TrendFacts } from '../over-time/trend-facts.js';
import type { PressureBucket, PressureLevel, PressureReport } from './models/pressure.model.js';
import { PRESSURE_BUCKETS, queryPressure, type PressureRow } from './pressure.query.js';

export interface PressureRequest {
  from: Date;
  to: Date;
}

const countAt = (histogram: Record<string, number>, key: number): number =>
  histogram[String(key)] ?? 0;
const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** Shapes the aggregate row into the GraphQL report; empty buckets and quantiles read as 0. */
export function toPressureReport(row: PressureRow): PressureReport {
  const levels = new Set<number>(
    [...Object.keys(row.by_last_7d), ...Object.keys(row.by_last_24h)].map(Number),
  );
  const distribution: PressureLevel[] = [...levels]
    .sort((a, b) => a - b)
    .map((pressure) => ({
      pressure,
      firingsLast7d: countAt(row.by_last_7d, pressure),
      firingsLast24h: countAt(row.by_last_24h, pressure),
    }))
    .filter((level) => level.firingsLast7d > 0 || level.firingsLast24h > 0);
  const doseResponse: PressureBucket[] = PRESSURE_BUCKETS.map((bucket, index) => {
    const firings = countAt(row.bucket_firings, index + 1);
    const overwhelmed = countAt(row.bucket_overwhelmed, index + 1);
    return {
      bucket: bucket.label,
      firings,
      overwhelmed,
      overwhelmRate: ratio(overwhelmed, firings),
    };
  });
  return {
    firings: row.firings,
    aboveCap: row.above_cap,
    aboveCapRate: ratio(row.above_cap, row.firings),
    p50Last7d: row.last_7d_quantiles[0] ?? 0,
    p90Last7d: row.last_7d_quantiles[1] ?? 0,
    p50Last24h: row.last_24h_quantiles[0] ?? 0,
    p90Last24h: row.last_24h_quantiles[1] ?? 0,
    distribution,
    doseResponse,
  };
}

@Injectable()
export class PressureService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    @Optional() private readonly facts?: TrendFacts,
  ) {}

  /**
   * Message pressure and its dose-response curve over the sent firings decided in [from, to).
   * aboveCap is read from the tenant's trend facts when a build is current (see
   * TrendFacts.current), else from the streams; the same answer either way.
   */
  async report(tenantId: string, request: PressureRequest): Promise<PressureReport> {
    const period = toPeriod(request.from, request.to);
    const buildId = await this.facts?.forPeriod(tenantId, period);
    const { overwhelmTypes } = await outcomeClassesOf(this.clickhouse, tenantId);
    const row = await queryPressure(
      this.clickhouse,
      { tenantId, ...period.params, overwhelmTypes },
      buildId,
    );
    return toPressureReport(row);
  }
}
