// Test helpers of share links, for specs only.
import { AuditLogService } from '../../audit/index.js';
import type { AppConfig } from '../../config/index.js';
import type { TemporaryStore } from '../../storage/testing.js';
import { ShareLinksRepository } from './share-links.repository.js';
import { ShareLinksService } from './share-links.service.js';

/**
 * A share-link service on `store` (with `config`, the store's by default) that makes, lists and
 * revokes links; the lift report, snapshots and PDF that links open are not there.
 */
export function shareLinksOn(
  store: TemporaryStore,
  config: AppConfig = store.config,
): ShareLinksService {
  const none = {} as never;
  return new ShareLinksService(
    config,
    new ShareLinksRepository(store.clickhouse),
    none,
    none,
    none,
    new AuditLogService(store.clickhouse),
  );
}
