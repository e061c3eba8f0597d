import { Args, Mutation, Resolver } from '@nestjs/graphql';
import {
  ADMIN_TENANT,
  AuthErrorCode,
  AuthException,
  CurrentPrincipal,
  RequireScope,
  Scope,
  type Principal,
} from '../auth/index.js';
import { BackupService } from './backup.service.js';
import { Backup } from './models/backup.model.js';

@Resolver(() => Backup)
export class BackupResolver {
  constructor(private readonly backups: BackupService) {}

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
