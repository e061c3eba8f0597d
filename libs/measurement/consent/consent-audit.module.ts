import { Module } from '@nestjs/common';
import { ConsentAuditResolver } from './consent-audit.resolver.js';
import { ConsentAuditService } from './consent-audit.service.js';

/** Consent audit (docs/design.md §3): the `consentAudit` query. */
@Module({ providers: [ConsentAuditService, ConsentAuditResolver], exports: [ConsentAuditService] })
export class ConsentAuditModule {}
