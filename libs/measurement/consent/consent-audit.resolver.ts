import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../../auth/index.js';
import { MeasureQuery } from '../common/measure-query.js';
import { ConsentAuditService } from './consent-audit.service.js';
import { ConsentAuditArgs } from './dto/consent-audit.args.js';
import { ConsentAudit } from './models/consent-audit.model.js';

@Resolver(() => ConsentAudit)
export class ConsentAuditResolver {
  constructor(private readonly consent: ConsentAuditService) {}

  @MeasureQuery(() => ConsentAudit, {
    description:
      'Consent audit over [from, to): sent treatment firings of triggers with a consent purpose whose person had not granted it at decision time, per trigger, the consent sync lag of those that followed a revocation, and per source how late consent events were recorded.',
  })
  consentAudit(
    @CurrentTenant() tenantId: string,
    @Args() args: ConsentAuditArgs,
  ): Promise<ConsentAudit> {
    return this.consent.audit(tenantId, args);
  }
}
