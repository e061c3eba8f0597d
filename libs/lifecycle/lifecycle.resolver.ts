import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { AuditEntry, AuditLogService, MAX_AUDIT_ENTRIES } from '../audit/index.js';
import {
  ADMIN_TENANT,
  AuthErrorCode,
  AuthException,
  CurrentPrincipal,
  CurrentTenant,
  RequireScope,
  Scope,
  type Principal,
} from '../auth/index.js';
import { pageProblem, periodProblem } from '../errors/index.js';
import { BackupService } from './backup.service.js';
import { OpenPeriodArgs } from './dto/period.args.js';
import { ErasureService } from './erasure.service.js';
import { LifecycleErrorCode, LifecycleException } from './lifecycle.exception.js';
import { Backup } from './models/backup.model.js';
import { Erasure } from './models/erasure.model.js';

/** Refuses an argument problem (`pageProblem`, `periodProblem`) as this context's bad request. */
function refuse(problem: string | undefined): void {
  if (problem !== undefined) {
    throw new LifecycleException(LifecycleErrorCode.InvalidRequest, problem);
  }
}

/** The GraphQL operations of the data lifecycle: the audit log, erasures and backups. */
@Resolver()
export class LifecycleResolver {
  constructor(
    private readonly audit: AuditLogService,
    private readonly erasure: ErasureService,
    private readonly backups: BackupService,
  ) {}

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
    refuse(pageProblem({ limit: limit ?? 1000 }, MAX_AUDIT_ENTRIES) ?? periodProblem({ from, to }));
    const tenant = tenantId === ADMIN_TENANT ? undefined : tenantId;
    return this.audit.list(tenant, { from, to }, limit ?? 1000);
  }

  @Mutation(() => Erasure, {
    description:
      "Erases a person (ERASE scope): every row naming them in the tenant's tables (the six streams, rejected lines whose text names them, the assignment rollup) is deleted before the answer. With blockReingest, later rows naming them are refused with reason `erased`.",
  })
  @RequireScope(Scope.ERASE)
  erasePerson(
    @CurrentPrincipal() principal: Principal,
    @Args('personId', { type: () => ID, description: 'The person (person_id as sent).' })
    personId: string,
    @Args('blockReingest', {
      defaultValue: true,
      description: 'Refuse later rows naming the person (kept as a keyed hash only).',
    })
    blockReingest: boolean,
  ): Promise<Erasure> {
    return this.erasure.erasePerson(principal.tenantId, personId, blockReingest, principal.keyId);
  }

  @Query(() => [Erasure], {
    description: "The tenant's erasures asked for in [from, to), oldest first (ERASE scope).",
  })
  @RequireScope(Scope.ERASE)
  erasures(
    @CurrentPrincipal() principal: Principal,
    @Args() { from, to }: OpenPeriodArgs,
  ): Promise<Erasure[]> {
    refuse(periodProblem({ from, to }));
    return this.erasure.erasures(principal.tenantId, from, to);
  }

  @Mutation(() => Backup, {
    description:
      "Backs up the whole store (every tenant, the keys, the audit log) with the engine's BACKUP, in the process that serves, while ingest goes on (ADMIN scope of the bootstrap admin key: a tenant's key cannot copy other tenants' data). Answers once the backup is whole.",
  })
  @RequireScope(Scope.ADMIN)
  backup(
    @CurrentPrincipal() principal: Principal,
    @Args('to', { description: 'A new directory on the machine that serves (absolute path).' })
    to: string,
    @Args('base', {
      type: () => String,
      nullable: true,
      description: 'An earlier backup: only what changed since is written (incremental).',
    })
    base?: string | null,
  ): Promise<Backup> {
    if (principal.tenantId !== ADMIN_TENANT) {
      throw new AuthException(
        AuthErrorCode.Forbidden,
        "a backup holds every tenant's data: only the bootstrap admin key (CAUSEWAY_ADMIN_KEY) takes one",
      );
    }
    return this.backups.backup(to, base, principal.keyId);
  }
}
