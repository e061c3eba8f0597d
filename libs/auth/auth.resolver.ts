import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DateTimeScalar } from '../graphql-fields/index.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthErrorCode, AuthException } from './auth.errors.js';
import { CurrentPrincipal, RequireScope } from './auth.guard.js';
import { ADMIN_TENANT, Scope, type Principal } from './keys.js';
import { ApiKeyInfo } from './models/api-key-info.model.js';
import { CreatedApiKey } from './models/created-api-key.model.js';

/** The tenant whose keys a principal manages: its own, or any (undefined) for the operator's key. */
function managedTenant(principal: Principal): string | undefined {
  return principal.tenantId === ADMIN_TENANT ? undefined : principal.tenantId;
}

@RequireScope(Scope.ADMIN)
@Resolver()
export class AuthResolver {
  constructor(private readonly keys: ApiKeysService) {}

  @Mutation(() => CreatedApiKey, {
    description:
      "Mints an API key for a tenant (ADMIN scope; a tenant's admin key mints for its own tenant only). The key is shown once.",
  })
  createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('tenantId', { type: () => ID, description: 'Tenant the key belongs to.' })
    tenantId: string,
    @Args('scopes', { type: () => [Scope], description: 'What the key may do.' }) scopes: Scope[],
    @Args('expiresAt', {
      type: () => DateTimeScalar,
      nullable: true,
      description: 'When the key stops working (in the future); omitted: never.',
    })
    expiresAt?: Date | null,
  ): Promise<CreatedApiKey> {
    if (principal.tenantId !== ADMIN_TENANT && principal.tenantId !== tenantId) {
      throw new AuthException(
        AuthErrorCode.Forbidden,
        `an admin key of tenant ${principal.tenantId} mints keys for that tenant only`,
      );
    }
    return this.keys.create(tenantId, scopes, expiresAt ?? null, { actorKeyId: principal.keyId });
  }

  @Mutation(() => CreatedApiKey, {
    description:
      'Mints a successor of a key (same tenant and scopes) and lets the old key work graceHours more, not after (ADMIN scope). The new key is shown once.',
  })
  rotateApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('keyId', { type: () => ID, description: 'Public id of the key to rotate.' })
    keyId: string,
    @Args('graceHours', {
      type: () => Int,
      defaultValue: 24,
      description: 'Hours the old key keeps working (0 to 2160).',
    })
    graceHours: number,
  ): Promise<CreatedApiKey> {
    return this.keys.rotate(keyId, graceHours, managedTenant(principal), {
      actorKeyId: principal.keyId,
    });
  }

  @Query(() => [ApiKeyInfo], {
    description:
      "API keys with their expiry, revocation and last use, never their text (ADMIN scope). A tenant's admin key lists its tenant's keys; the bootstrap admin key any tenant's, or every key without tenantId.",
  })
  apiKeys(
    @CurrentPrincipal() principal: Principal,
    @Args('tenantId', { type: () => ID, nullable: true, description: 'Whose keys to list.' })
    tenantId?: string | null,
  ): Promise<ApiKeyInfo[]> {
    const own = managedTenant(principal);
    const asked = tenantId ?? undefined;
    if (own !== undefined && asked !== undefined && asked !== own) {
      throw new AuthException(
        AuthErrorCode.Forbidden,
        `an admin key of tenant ${own} lists that tenant's keys only`,
      );
    }
    return this.keys.list(own ?? asked);
  }

  @Mutation(() => Boolean, {
    description:
      "Revokes an API key at once (ADMIN scope). An admin of a tenant revokes only that tenant's keys; the bootstrap admin key revokes any. Answers false when no such key exists.",
  })
  revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('keyId', { type: () => ID, description: 'Public id of the key to revoke.' })
    keyId: string,
  ): Promise<boolean> {
    return this.keys.revoke(keyId, managedTenant(principal), { actorKeyId: principal.keyId });
  }
}
