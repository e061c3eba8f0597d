import leven from 'leven';
import type { TriggersService } from '../../triggers/index.js';
import { MeasurementErrorCode, MeasurementException } from './measurement.exception.js';

/**
 * The defined trigger id a mistyped one most likely means: the nearest by edit distance, within
 * a quarter of its length (at least 2 edits); null when none is that close.
 */
export function nearestTriggerId(sent: string, defined: readonly string[]): string | null {
  const tolerated = Math.max(2, Math.floor(sent.length / 4));
  let best: { id: string; edits: number } | null = null;
  for (const id of defined) {
    const edits = leven(sent, id);
    if (edits <= tolerated && (best === null || edits < best.edits)) {
      best = { id, edits };
    }
  }
  return best?.id ?? null;
}

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
