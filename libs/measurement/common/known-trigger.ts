import { Injectable } from '@nestjs/common';
import { ClickHouseService } from '../../storage/index.js';
import {
  FIRED_TRIGGER_IDS_QUERY,
  nearestTriggerId,
  TriggersService,
} from '../../triggers/index.js';
import { MeasurementErrorCode, MeasurementException } from './measurement.exception.js';

/**
 * Refuses a trigger id that neither a definition of the tenant nor a firing decided in the
 * period carries (the measure found nothing of it), naming the defined id it most likely means:
 * a mistyped id would otherwise read as a trigger with no one in it. Without the triggers (a
 * service made by hand), nothing is refused.
 */
export async function refuseUnknownTrigger(
  triggers: Pick<TriggersService, 'list'> | undefined,
  tenantId: string,
  triggerId: string,
  found: boolean,
): Promise<void> {
  if (found || triggers === undefined) {
    return;
  }
  const defined = (await triggers.list(tenantId)).map((trigger) => trigger.triggerId);
  if (defined.includes(triggerId)) {
    return;
  }
  const nearest = nearestTriggerId(triggerId, defined);
  throw new MeasurementException(
    MeasurementErrorCode.InvalidArgument,
    `no trigger '${triggerId}' here: no definition of the tenant has that id, and no firing of it was decided in [from, to)` +
      (nearest === null ? '' : `; did you mean '${nearest}'?`),
  );
}

/**
 * The check of a list measure's `triggerIds` (liftReport, guardrails, suppressionAudit,
 * triggerLatency, triggerTrend): an id that no definition and no firing of the tenant carries is
 * refused, naming the defined id it most likely means, where it would otherwise answer no rows as
 * if the trigger had no one in it. Ids of defined triggers cost nothing; the firings are read only
 * for an id no definition has.
 */
@Injectable()
export class KnownTriggers {
  constructor(
    private readonly triggers: TriggersService,
    private readonly clickhouse: ClickHouseService,
  ) {}

  async refuseUnknown(tenantId: string, triggerIds: readonly string[] | null | undefined) {
    if (triggerIds === null || triggerIds === undefined || triggerIds.length === 0) {
      return;
    }
    const defined = (await this.triggers.list(tenantId)).map((trigger) => trigger.triggerId);
    const undefinedIds = [...new Set(triggerIds)].filter((id) => !defined.includes(id));
    if (undefinedIds.length === 0) {
      return;
    }
    const fired = await this.clickhouse.run(FIRED_TRIGGER_IDS_QUERY, {
      tenantId,
      triggerIds: undefinedIds,
    });
    const unknown = undefinedIds.filter((id) => !fired.some((row) => row.trigger_id === id));
    if (unknown.length === 0) {
      return;
    }
    const named = unknown.map((id) => {
      const nearest = nearestTriggerId(id, defined);
      return `'${id}'` + (nearest === null ? '' : ` (did you mean '${nearest}'?)`);
    });
    const [triggers, those] =
      unknown.length === 1 ? ['trigger', 'that id'] : ['triggers', 'these ids'];
    throw new MeasurementException(
      MeasurementErrorCode.InvalidArgument,
      `triggerIds: no ${triggers} ${named.join(', ')} here: no definition and no firing of the tenant has ${those}`,
    );
  }
}
