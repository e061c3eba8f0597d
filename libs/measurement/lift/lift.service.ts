import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ClickHouseService } from '../../storage/index.js';
import { MeasurementErrorCode, MeasurementException } from '../common/measurement.exception.js';
import { toPeriod } from '../common/period.js';
import { buildLiftRows } from './lift.calculator.js';
import { queryLiftSums } from './lift.query.js';
import type { TriggerLift } from './models/lift.model.js';

export interface LiftRequest {
  from: Date;
  to: Date;
  triggerIds?: string[] | null;
  groupByVariant?: boolean;
  confidence?: number;
  cuped?: boolean;
  sequential?: boolean;
}

@Injectable()
export class LiftService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly config: AppConfig,
  ) {}

  /** Holdout lift per trigger (or variant) over [from, to). */
  async report(tenantId: string, request: LiftRequest): Promise<TriggerLift[]> {
    const confidence = request.confidence ?? 0.95;
    if (!(confidence >= 0.5 && confidence <= 0.999)) {
      throw new MeasurementException(
        MeasurementErrorCode.InvalidArgument,
        `confidence must be between 0.5 and 0.999, got ${confidence}`,
      );
    }
    const sums = await queryLiftSums(this.clickhouse, {
      tenantId,
      ...toPeriod(request.from, request.to).params,
      triggerIds: request.triggerIds ?? [],
      byVariant: request.groupByVariant ?? false,
    });
    return buildLiftRows(sums, {
      groupByVariant: request.groupByVariant ?? false,
      confidence,
      cuped: request.cuped ?? false,
      sequential: request.sequential ?? false,
      defaultPlannedPersons: this.config.env.SEQUENTIAL_PLANNED_PERSONS,
    });
  }
}
