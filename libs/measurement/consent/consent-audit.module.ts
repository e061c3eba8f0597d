import { Module } from '@nestjs/common';
import { ConsentAuditService } from './consent-audit.service.js';

/** Consent audit (docs/design.md §3): the `consentAudit` query. */
@Module({ providers: [ConsentAuditService], exports: [ConsentAuditService] })
export class ConsentAuditModule {}
