/**
 * The definition each firing is measured against: the version it names in `trigger_version`, or
 * the trigger's newest version when it names none (0) or names one that is not stored.
 *
 * `trigger_versions` holds every stored version under `named_version` = its version, and the
 * newest version of each trigger a second time under `named_version` = 0. A measure joins it twice:
 *
 *   LEFT JOIN trigger_versions AS named
 *     ON named.trigger_id = f.trigger_id AND named.named_version = f.trigger_version
 *   LEFT JOIN trigger_versions AS newest
 *     ON newest.trigger_id = f.trigger_id AND newest.named_version = 0
 *
 * and reads each field as `if(named.trigger_id != '', named.field, newest.field)` (with
 * join_use_nulls = 0, an unmatched side has trigger_id ''). A firing of a trigger that was never
 * defined matches neither. Columns: the window as `window_ms` (NULL when none or 0: no window),
 * `conversion_window_ms`, `success_types` (the default success types when it names none),
 * `channel`, `consent_purpose`, `status` and `version`. Bound: {tenantId:String}. A constant, never
 * built from input.
 */
export const TRIGGER_VERSIONS_CTE = `
  trigger_versions AS (
    -- every stored version of each trigger (FINAL collapses re-sent versions), and the newest
    -- once more under named_version 0, the "not stated" of firings.trigger_version
    SELECT trigger_id, version, arrayJoin(if(newest_first = 1, [version, 0], [version])) AS named_version,
           channel, nullIf(window_ms, 0) AS window_ms, conversion_window_ms,
           if(empty(success_types), ['conversion', 'purchase', 'signup'], success_types) AS success_types,
           consent_purpose, status
    FROM (
      SELECT *, row_number() OVER (PARTITION BY trigger_id ORDER BY version DESC) AS newest_first
      FROM triggers FINAL
      WHERE tenant_id = {tenantId:String}
    )
  )`;
