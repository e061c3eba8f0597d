// Test helpers of the auth lib; never imported by production code.
import { AuditLogService } from '../audit/index.js';
import { openTemporaryStore, type TemporaryStore } from '../storage/testing.js';
import { ApiKeysService } from './api-keys.service.js';

/** A temporary embedded store with the key service (and its audit log) on it. */
export interface KeyStore {
  store: TemporaryStore;
  keys: ApiKeysService;
  audit: AuditLogService;
  /** Writes the key uses still held in memory, then removes the store. */
  dispose(): Promise<void>;
}

export async function openKeyStore(): Promise<KeyStore> {
  const store = await openTemporaryStore();
  const audit = new AuditLogService(store.clickhouse);
  const keys = new ApiKeysService(store.config, store.clickhouse, audit);
  return {
    store,
    keys,
    audit,
    dispose: async () => {
      await keys.flushUses();
      await store.dispose();
    },
  };
}
