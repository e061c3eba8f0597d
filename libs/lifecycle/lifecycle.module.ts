import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/index.js';
import { AuditLogResolver } from './audit-log.resolver.js';

/** Data lifecycle and trust (DESIGN §10): the audit log's reader, erasure, backups. */
@Module({
  imports: [AuditModule],
  providers: [AuditLogResolver],
})
export class LifecycleModule {}
