import { Injectable } from '@nestjs/common';
import { missingDefinitions } from './readiness.js';
import { TriggersRepository, type TriggerRow } from './triggers.repository.js';
import type { Trigger } from './models/trigger.model.js';

function toTrigger(row: TriggerRow): Trigger {
  const missing = missingDefinitions(row);
  return {
    triggerId: row.trigger_id,
    version: row.version,
    name: row.name,
    channel: row.channel,
    surface: row.surface,
    audience: row.audience,
    signalTypes: row.signal_types,
    windowMs: row.window_ms,
    successTypes: row.success_types,
    conversionWindowMs: row.conversion_window_ms,
    holdoutPct: row.holdout_pct,
    consentPurpose: row.consent_purpose,
    status: row.status,
    ready: missing.length === 0,
    missing,
  };
}

@Injectable()
export class TriggersService {
  constructor(private readonly repository: TriggersRepository) {}

  /** The tenant's triggers (newest version each), optionally of one status, with readiness. */
  async list(tenantId: string, status?: string): Promise<Trigger[]> {
    const rows = await this.repository.latest(tenantId);
    return rows.filter((r) => status === undefined || r.status === status).map(toTrigger);
  }
}
