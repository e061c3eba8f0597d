/**
 * SQL fragments shared by the measures. They are constants (never built from input): every
 * value is a bound parameter: {tenantId:String}, {from:DateTime64(3, 'UTC')}, {to:DateTime64(3, 'UTC')} and
 * {triggerIds:Array(String)} (empty = all triggers).
 */

/** The newest definition of each trigger, with its success types defaulted. */
export const TRIGGER_DEFINITIONS_CTE = `
  defs AS (
    -- newest version of each trigger definition; FINAL collapses re-sent definitions
    SELECT trigger_id, channel, window_ms, holdout_pct, conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types,
           guardrail_types, frequency_cap_max, frequency_cap_per_ms,
           ifNull(suppression_converted_lookback_ms, 86400000) AS converted_lookback_ms,
           consent_purpose, status
    FROM triggers FINAL
    WHERE tenant_id = {tenantId:String}
    ORDER BY trigger_id, version DESC
    LIMIT 1 BY trigger_id
  )`;

/** Filter on a firings row by the optional trigger list. */
export const TRIGGER_FILTER = `(empty({triggerIds:Array(String)}) OR has({triggerIds:Array(String)}, trigger_id))`;

/**
 * Settings of a query with `name AS MATERIALIZED (...)` steps: the engine computes such a step once
 * and reads the result wherever it is referenced, where a plain CTE is inlined and computed again
 * at each reference (ClickHouse 26). Same rows either way; it matters when the step scans millions.
 */
export const MATERIALIZED_CTE_SETTINGS = { enable_materialized_cte: 1 } as const;
