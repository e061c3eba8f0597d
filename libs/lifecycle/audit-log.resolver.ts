import { Args, GraphQLISODateTime, Int, Query, Resolver } from '@nestjs/graphql';
import { ADMIN_TENANT, RequireScope, Scope, CurrentTenant } from '../auth/index.js';
import { AuditLogService, MAX_AUDIT_ENTRIES } from '../audit/index.js';
import { AuditEntry } from '../audit/index.js';

@Resolver(() => AuditEntry)
export class AuditLogResolver {
  constructor(private readonly audit: AuditLogService) {}

  @Query(() => [AuditEntry], {
    description:
      "Admin actions in [from, to), newest first (ADMIN scope): a tenant's admin key sees its tenant's, the bootstrap admin key every tenant's.",
  })
  @RequireScope(Scope.ADMIN)
  auditLog(
    @CurrentTenant() tenantId: string,
    @Args('from', { type: () => GraphQLISODateTime, nullable: true, description: 'Inclusive.' })
    from?: Date | null,
    @Args('to', { type: () => GraphQLISODateTime, nullable: true, description: 'Exclusive.' })
    to?: Date | null,
    @Args('limit', {
      type: () => Int,
      nullable: true,
      defaultValue: 1000,
      description: `Most entries to answer (at most ${MAX_AUDIT_ENTRIES}).`,
    })
    limit = 1000,
  ): Promise<AuditEntry[]> {
    const tenant = tenantId === ADMIN_TENANT ? undefined : tenantId;
    return this.audit.list(tenant, { from, to }, limit);
  }
}
