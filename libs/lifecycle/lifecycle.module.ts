import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { AuditLogResolver } from './audit-log.resolver.js';
import { BackupResolver } from './backup.resolver.js';
import { BackupService } from './backup.service.js';
import { ErasureResolver } from './erasure.resolver.js';
import { ErasureService } from './erasure.service.js';
import { PersonBlocklistModule } from './person-blocklist.js';

/** Data lifecycle and trust (docs/design.md §10): the audit log's reader, erasure, backups. */
@Module({
  imports: [AuditModule, PersonBlocklistModule],
  providers: [AuditLogResolver, ErasureService, ErasureResolver, BackupService, BackupResolver],
  exports: [ErasureService, BackupService],
})
export class LifecycleModule {}
