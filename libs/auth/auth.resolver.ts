import { Args, ID, Mutation, Resolver } from '@nestjs/graphql';
import { ApiKeysService } from './api-keys.service.js';
import { AuthErrorCode, AuthException } from './auth.errors.js';
import { CurrentPrincipal, RequireScope } from './auth.guard.js';
import { ADMIN_TENANT, Scope, type Principal } from './keys.js';
import { CreatedApiKey } from './models/created-api-key.model.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @Mutation(() => CreatedApiKey, {
    description:
      "Mints an API key for a tenant (ADMIN scope; a tenant's admin key mints for its own tenant only). The key is shown once.",
  })
  @RequireScope(Scope.ADMIN)
  createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('tenantId', { type: () => ID, description: 'Tenant the key belongs to.' })
    tenantId: string,
    @Args('scopes', { type: () => [Scope], description: 'What the key may do.' }) scopes: Scope[],
  ): Promise<CreatedApiKey> {
    if (principal.tenantId !== ADMIN_TENANT && principal.tenantId !== tenantId) {
      throw new AuthException(
        AuthErrorCode.Forbidden,
        `an admin key of tenant ${principal.tenantId} mints keys for that tenant only`,
      );
    }
    return this.keys.create(tenantId, scopes);
  }

  @Mutation(() => Boolean, {
    description:
      "Revokes an API key at once (ADMIN scope). An admin of a tenant revokes only that tenant's keys; the bootstrap admin key revokes any. Answers false when no such key exists.",
  })
  @RequireScope(Scope.ADMIN)
  revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('keyId', { type: () => ID, description: 'Public id of the key to revoke.' })
    keyId: string,
  ): Promise<boolean> {
    const tenant = principal.tenantId === ADMIN_TENANT ? undefined : principal.tenantId;
    return this.keys.revoke(keyId, tenant);
  }
}
