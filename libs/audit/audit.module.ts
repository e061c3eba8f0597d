import { Global, Module } from '@nestjs/common';
import { AuditLogService } from './audit-log.service.js';

/**
 * The audit log, global so that every module taking admin actions (keys, erasure, backups,
 * webhooks, share links, digests) can record them without importing this one.
 */
@Global()
@Module({ providers: [AuditLogService], exports: [AuditLogService] })
export class AuditModule {}
