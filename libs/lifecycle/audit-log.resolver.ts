import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { ADMIN_TENANT, RequireScope, Scope, CurrentTenant } from '../auth/index.js';
import { AuditLogService, MAX_AUDIT_ENTRIES } from '../audit/index.js';
import { AuditEntry } from '../audit/index.js';
import { pageProblem } from '../errors/index.js';
import { OpenPeriodArgs } from './dto/period.args.js';
import { LifecycleErrorCode, LifecycleException } from './lifecycle.exception.js';

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
    @Args() { from, to }: OpenPeriodArgs,
    @Args('limit', {
      type: () => Int,
      nullable: true,
      defaultValue: 1000,
      description: `Most entries to answer, 1 to ${MAX_AUDIT_ENTRIES} (a larger limit is refused: narrow from and to).`,
    })
    limit?: number | null,
  ): Promise<AuditEntry[]> {
    const problem = pageProblem({ limit: limit ?? 1000 }, MAX_AUDIT_ENTRIES);
    if (problem !== undefined) {
      throw new LifecycleException(LifecycleErrorCode.InvalidRequest, problem);
    }
    const tenant = tenantId === ADMIN_TENANT ? undefined : tenantId;
    return this.audit.list(tenant, { from, to }, limit ?? 1000);
  }
}
