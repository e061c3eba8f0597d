import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { BackupService } from './backup.service.js';
import { ErasureService } from './erasure.service.js';
import { LifecycleResolver } from './lifecycle.resolver.js';
import { PersonBlocklistModule } from './person-blocklist.js';

/** Data lifecycle and trust (docs/design.md §10): the audit log's reader, erasure, backups. */
@Module({
  imports: [AuditModule, PersonBlocklistModule],
  providers: [ErasureService, BackupService, LifecycleResolver],
  exports: [ErasureService, BackupService],
})
export class LifecycleModule {}
