import { Injectable, Optional } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { toPeriod } from '../common/period.js';
import { TrendFacts } from '../over-time/trend-facts.js';
import type { SuppressionSummary } from './models/suppression.model.js';
import {
  SUPPRESSION_FACTS_QUERY,
  SUPPRESSION_QUERY,
  type SuppressionRow,
} from './suppression.query.js';

export interface SuppressionRequest {
  from: Date;
  to: Date;
  triggerIds?: string[] | null;
}

const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** Shapes one trigger's counts, with rates over its sent firings. */
export function toSuppressionSummary(row: SuppressionRow): SuppressionSummary {
  return {
    triggerId: row.trigger_id,
    channel: row.channel,
    sentFirings: row.sent_firings,
    convertedThenTargeted: row.converted_then_targeted,
    convertedThenTargetedRate: ratio(row.converted_then_targeted, row.sent_firings),
    convertedInFlight: row.converted_in_flight,
    convertedInFlightRate: ratio(row.converted_in_flight, row.sent_firings),
    capBreaches: row.cap_breaches,
    capBreachRate: ratio(row.cap_breaches, row.sent_firings),
  };
}

@Injectable()
export class SuppressionService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    @Optional() private readonly facts?: TrendFacts,
  ) {}

  /**
   * Suppression failures per trigger over the sent firings decided in [from, to). Read from the
   * tenant's trend facts when a build is current (see TrendFacts.current), else from the streams;
   * the same answer either way.
   */
  async audit(tenantId: string, request: SuppressionRequest): Promise<SuppressionSummary[]> {
    const period = toPeriod(request.from, request.to);
    const params = { tenantId, ...period.params, triggerIds: request.triggerIds ?? [] };
    const buildId = await this.facts?.forPeriod(tenantId, period);
    const rows =
      buildId === undefined
        ? await this.clickhouse.run(SUPPRESSION_QUERY, params)
        : await this.clickhouse.run(SUPPRESSION_FACTS_QUERY, { ...params, buildId });
    return rows.map(toSuppressionSummary);
  }
}
