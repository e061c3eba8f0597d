import {
  createParamDecorator,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext, type GqlContextType } from '@nestjs/graphql';
import type { Request } from 'express';
import { ApiKeysService, requireScope } from './api-keys.service.js';
import type { Principal, Scope } from './keys.js';
import { presentedKey } from './presented-key.js';

const PUBLIC = 'causeway:public';
const REQUIRED_SCOPE = 'causeway:scope';

/** A route anyone may call (health checks). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The scope a route or resolver needs. */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<GqlContextType>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}

/**
 * Every route and resolver needs a key unless marked @Public(); one marked @RequireScope needs
 * that scope. The principal is attached to the request for @CurrentPrincipal().
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC, targets) === true) {
      return true;
    }
    const request = requestOf(context);
    const principal = request.principal ?? (await this.keys.authenticate(presentedKey(request)));
    request.principal = principal;
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets);
    if (scope !== undefined) {
      requireScope(principal, scope);
    }
    return true;
  }
}

function principalOf(context: ExecutionContext): Principal {
  const principal = requestOf(context).principal;
  if (principal === undefined) {
    throw new Error('CurrentPrincipal or CurrentTenant used on a route without the ApiKeyGuard');
  }
  return principal;
}

/** The authenticated principal of the current HTTP request or GraphQL operation. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  principalOf(context),
);

/**
 * The tenant of that principal: all most resolvers need of it, since every read and write is
 * scoped to the key's tenant.
 */
export const CurrentTenant = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string => principalOf(context).tenantId,
);
