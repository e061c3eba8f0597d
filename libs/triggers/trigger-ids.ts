import leven from 'leven';
import { z } from 'zod';
import { defineQuery } from '../storage/index.js';

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

/** Of some trigger ids, those a firing of the tenant carries, at any time. */
export const FIRED_TRIGGER_IDS_QUERY = defineQuery({
  name: 'triggers.fired_ids',
  module: import.meta.url,
  sql: `
-- which of the given trigger ids any firing of the tenant carries (its latest delivery, FINAL:
-- a firing re-delivered under another trigger id no longer carries the first before merges)
SELECT DISTINCT trigger_id
FROM firings FINAL
WHERE tenant_id = {tenantId:String} AND has({triggerIds:Array(String)}, trigger_id)`,
  params: z.object({ tenantId: z.string(), triggerIds: z.array(z.string()) }),
  row: z.object({ trigger_id: z.string() }),
});
