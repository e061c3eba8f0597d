import type { Queue } from 'bullmq';
import { AuditLogService } from '../audit/index.js';
import type { DataVersions } from '../storage/index.js';
import type { TemporaryStore } from '../storage/testing.js';
import { ErasureService } from './erasure.service.js';
import { PersonBlocklist } from './person-blocklist.js';

/**
 * An erasure service on `store`, as the lifecycle module assembles it, with the blocklist it
 * writes (which ingest reads); given the ingest queue, in queued mode.
 */
export function erasureOn(
  store: TemporaryStore,
  versions: DataVersions,
  queue?: Queue,
): { erasure: ErasureService; blocklist: PersonBlocklist } {
  const blocklist = new PersonBlocklist(store.config, store.clickhouse);
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
