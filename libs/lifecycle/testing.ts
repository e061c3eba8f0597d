import type { Queue } from 'bullmq';
import { AuditLogService } from '../audit/index.js';
import type { GeneratedProgram } from '../demo/index.js';
import type { DataVersions } from '../storage/index.js';
import type { TemporaryStore } from '../storage/testing.js';
import { ErasureService } from './erasure.service.js';
import { PersonBlocklist } from './person-blocklist.js';

/** What an erasure service of erasureOn is given rather than made anew. */
interface ErasureParts {
  queue?: Queue;
  blocklist?: PersonBlocklist;
}

/**
 * An erasure service on `store`, as the lifecycle module assembles it, with the blocklist it
 * writes (which ingest reads): a new one, or the `blocklist` given (an ingest module's own); given
 * the ingest `queue`, in queued mode.
 */
export function erasureOn(
  store: TemporaryStore,
  versions: DataVersions,
  { queue, blocklist = new PersonBlocklist(store.config, store.clickhouse) }: ErasureParts = {},
): { erasure: ErasureService; blocklist: PersonBlocklist } {
  const erasure = new ErasureService(
    store.config,
    store.clickhouse,
    blocklist,
    new AuditLogService(store.clickhouse),
    versions,
    queue,
  );
  return { erasure, blocklist };
}

type Row = Record<string, unknown>;

/** The program's rows without any row of `persons` (nor the exposures of their firings). */
export function withoutPersons(program: GeneratedProgram, ...persons: string[]) {
  const rows = program.rows as unknown as Record<string, readonly Row[]>;
  const erased = (row: Row) => persons.includes(row.person_id as string);
  const firings = new Set(rows.firings.filter(erased).map((f) => f.firing_id as string));
  const keep = (row: Row) => !erased(row) && !firings.has(row.firing_id as string);
  return Object.fromEntries(Object.entries(rows).map(([s, list]) => [s, list.filter(keep)]));
}

/**
 * `value` with its fractions to `digits` significant digits: measures of the same rows read in
 * another order have equal counts, and sums the engine added in the order its threads met them.
 */
export function rounded(value: unknown, digits = 12): unknown {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(digits)) : v,
  );
}
