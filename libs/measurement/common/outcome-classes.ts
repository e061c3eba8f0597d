import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';

/**
 * Outcome classes (docs/design.md §2). A trigger's success types are its `success_types`, or these
 * defaults when it names none. The regret and overwhelm classes are these built-in types and the
 * types the tenant added to them (`defineOutcomeType`, table outcome_types).
 */
export const DEFAULT_SUCCESS_TYPES = ['conversion', 'purchase', 'signup'] as const;
export const REGRET_TYPES = ['return', 'refund', 'chargeback'] as const;
export const OVERWHELM_TYPES = [
  'unsubscribe',
  'complaint',
  'opt_out',
  'uninstall',
  'dismiss',
] as const;

/** Days after a converting order in which a return or refund counts as regret. */
export const REGRET_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** The classes a tenant may add types to: the two harm classes guardrails measure. */
export const HARM_CLASSES = ['overwhelm', 'regret'] as const;
export type HarmClass = (typeof HARM_CLASSES)[number];

/** Every type of the built-in classes, which a tenant cannot move to another class. */
export const BUILT_IN_OUTCOME_TYPES: ReadonlyMap<string, HarmClass | 'success'> = new Map([
  ...DEFAULT_SUCCESS_TYPES.map((type) => [type, 'success'] as const),
  ...REGRET_TYPES.map((type) => [type, 'regret'] as const),
  ...OVERWHELM_TYPES.map((type) => [type, 'overwhelm'] as const),
]);

/** A tenant's harm classes: the built-in types first, then its own in byte order. */
export interface TenantOutcomeClasses {
  overwhelmTypes: string[];
  regretTypes: string[];
}

const registeredRow = z.object({ type: z.string(), class: z.enum(HARM_CLASSES) });

/** The types the tenant added to each harm class (one small read of outcome_types). */
export async function outcomeClassesOf(
  clickhouse: ClickHouseService,
  tenantId: string,
): Promise<TenantOutcomeClasses> {
  const rows = await clickhouse.query({
    tag: 'outcome_types.classes',
    sql: `SELECT type, class
          FROM outcome_types FINAL
          WHERE tenant_id = {tenantId:String} AND deleted = 0
          ORDER BY type`,
    params: { tenantId },
    row: registeredRow,
  });
  const added = (harm: HarmClass) => rows.filter((r) => r.class === harm).map((r) => r.type);
  return {
    overwhelmTypes: [...OVERWHELM_TYPES, ...added('overwhelm')],
    regretTypes: [...REGRET_TYPES, ...added('regret')],
  };
}
