import { Injectable } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { toPeriod } from '../common/period.js';
import { GRANULARITY_MS, Granularity, seriesInstants } from './granularity.js';
import { queryLiftOverTime } from './lift-over-time.query.js';
import { buildLiftSeries } from './lift-series.js';
import type { LiftPoint } from './models/lift-point.model.js';

export interface LiftOverTimeRequest {
  triggerId: string;
  from: Date;
  to: Date;
  granularity?: Granularity | null;
  variant?: string | null;
  cuped?: boolean | null;
  sequential?: boolean | null;
  confidence?: number | null;
}

/** The confidence level of a request, checked as liftReport checks it. */
export function checkedConfidence(confidence: number | null | undefined): number {
  const level = confidence ?? 0.95;
  if (!(level >= 0.5 && level <= 0.999)) {
    throw new MeasurementException(
      MeasurementErrorCode.InvalidArgument,
      `confidence must be between 0.5 and 0.999, got ${level}`,
    );
  }
  return level;
}

function checkedTriggerId(triggerId: string): string {
  if (triggerId.trim() === '') {
    throw new MeasurementException(
      MeasurementErrorCode.InvalidArgument,
      'triggerId must not be empty',
    );
  }
  return triggerId;
}

/** Measures read over time (DESIGN section 7). */
@Injectable()
export class OverTimeService {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /** The lift of one trigger as it read at each step of [from, to), in one statement. */
  async liftOverTime(tenantId: string, request: LiftOverTimeRequest): Promise<LiftPoint[]> {
    const triggerId = checkedTriggerId(request.triggerId);
    const confidence = checkedConfidence(request.confidence);
    const period = toPeriod(request.from, request.to);
    const instants = seriesInstants(
      period.from.getTime(),
      period.to.getTime(),
      GRANULARITY_MS[request.granularity ?? Granularity.DAY],
      'granularity',
    );
    const rows = await queryLiftOverTime(this.clickhouse, {
      tenantId,
      ...period.params,
      triggerIds: [triggerId],
      asOfs: instants,
    });
    return buildLiftSeries(triggerId, instants, rows, request.variant ?? null, {
      confidence,
      cuped: request.cuped ?? false,
      sequential: request.sequential ?? false,
    });
  }
}
