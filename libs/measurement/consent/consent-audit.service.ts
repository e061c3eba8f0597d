import { Injectable } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import { toPeriod } from '../common/period.js';
import {
  CONSENT_SOURCES_QUERY,
  CONSENT_TRIGGERS_QUERY,
  type ConsentSourceRow,
  type ConsentTriggerRow,
} from './consent-audit.query.js';
import type { ConsentAudit } from './models/consent-audit.model.js';

export interface ConsentAuditRequest {
  from: Date;
  to: Date;
}

const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** Shapes the per-trigger and per-source rows into the audit. */
export function toConsentAudit(
  triggers: readonly ConsentTriggerRow[],
  sources: readonly ConsentSourceRow[],
): ConsentAudit {
  const syncLag = triggers[0]?.sync_lag_quantiles ?? [];
  return {
    nonCompliantActivations: triggers.reduce((sum, t) => sum + t.non_compliant, 0),
    revokedActivations: triggers.reduce((sum, t) => sum + t.revoked, 0),
    sentFirings: triggers.reduce((sum, t) => sum + t.sent_firings, 0),
    byTrigger: triggers.map((t) => ({
      triggerId: t.trigger_id,
      purpose: t.purpose,
      sentFirings: t.sent_firings,
      nonCompliant: t.non_compliant,
      nonCompliantRate: ratio(t.non_compliant, t.sent_firings),
    })),
    syncLagP50Ms: syncLag[0] ?? null,
    syncLagP90Ms: syncLag[1] ?? null,
    bySource: sources.map((s) => ({
      source: s.source,
      events: s.events,
      recordedLagP50Ms: s.recorded_lag_quantiles[0] ?? 0,
      recordedLagP90Ms: s.recorded_lag_quantiles[1] ?? 0,
    })),
  };
}

@Injectable()
export class ConsentAuditService {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /** Non-compliant activations, consent sync lag and stale records over [from, to). */
  async audit(tenantId: string, request: ConsentAuditRequest): Promise<ConsentAudit> {
    const params = { tenantId, ...toPeriod(request.from, request.to).params };
    const [triggers, sources] = await Promise.all([
      this.clickhouse.run(CONSENT_TRIGGERS_QUERY, params),
      this.clickhouse.run(CONSENT_SOURCES_QUERY, params),
    ]);
    return toConsentAudit(triggers, sources);
  }
}
