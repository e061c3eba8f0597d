import { Injectable } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { TriggersService, TriggerStatus } from '../../triggers/index.js';
import { toPeriod } from '../common/period.js';
import { ConsentAuditService } from '../consent/consent-audit.service.js';
import { FreshnessService } from '../freshness/freshness.service.js';
import { LiftService } from '../lift/lift.service.js';
import { SuppressionService } from '../suppression/suppression.service.js';
import { assessMaturity } from './maturity.assessment.js';
import { queryMaturityInputs } from './maturity.query.js';
import type { MaturityAssessment } from './models/maturity-assessment.model.js';

/** The maturity stage of a tenant's program, from the evidence the other measures give. */
@Injectable()
export class MaturityService {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly triggers: TriggersService,
    private readonly lift: LiftService,
    private readonly suppression: SuppressionService,
    private readonly consent: ConsentAuditService,
    private readonly freshness: FreshnessService,
  ) {}

  /** Assesses the program over [from, to): stage, evidence with thresholds, next steps. */
  async assess(tenantId: string, from: Date, to: Date): Promise<MaturityAssessment> {
    const period = toPeriod(from, to);
    const request = { from, to };
    const [own, live, lifts, suppression, consent, freshness] = await Promise.all([
      queryMaturityInputs(this.clickhouse, { tenantId, ...period.params }),
      this.triggers.list(tenantId, TriggerStatus.LIVE),
      this.lift.report(tenantId, request),
      this.suppression.audit(tenantId, request),
      this.consent.audit(tenantId, request),
      this.freshness.signalFreshness(tenantId, from, to),
    ]);
    const verdict = assessMaturity({
      kinds: own.kinds,
      latency: own.latency,
      liveTriggerIds: live.map((t) => t.triggerId),
      days: (to.getTime() - from.getTime()) / 86_400_000,
      lifts,
      suppression,
      consent,
      freshness,
    });
    return { from, to, ...verdict };
  }
}
