import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { BackupService } from './backup.service.js';
import { ConsentRetention } from './consent-retention.js';
import { ErasureService } from './erasure.service.js';
import { LifecycleResolver } from './lifecycle.resolver.js';
import { PersonBlocklistModule } from './person-blocklist.js';

/**
 * Data lifecycle and trust (docs/design.md §10): the audit log's reader, erasure, backups, consent
 * retention.
 */
@Module({
  imports: [AuditModule, PersonBlocklistModule],
  providers: [ErasureService, BackupService, LifecycleResolver, ConsentRetention],
  exports: [ErasureService, BackupService, ConsentRetention],
})
export class LifecycleModule {}
