/**
 * Outcome classes (docs/design.md §2). A trigger's success types are its `success_types`, or these
 * defaults when it names none; guardrail types add to the overwhelm or regret class by name.
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
