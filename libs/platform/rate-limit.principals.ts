import { Injectable } from '@nestjs/common';
import {
  ApiKeysService,
  presentedKey,
  type AuthenticatedRequest,
  type Principal,
} from '../auth/index.js';

/**
 * Whose budget a call spends. Only an authenticated key is counted, so nobody can spend another
 * key's budget by sending its public id with a wrong secret; a call without a valid key is left to
 * the key guard, which refuses it (or the route is public). The principal found here is left on the
 * request, where the key guard takes it instead of checking the key again.
 */
@Injectable()
export class RateLimitPrincipals {
  constructor(private readonly keys: ApiKeysService) {}

  async of(request: AuthenticatedRequest): Promise<Principal | undefined> {
    if (request.principal !== undefined) {
      return request.principal;
    }
    const presented = presentedKey(request);
    if (presented === undefined) {
      return undefined;
    }
    try {
      request.principal = await this.keys.authenticate(presented);
      return request.principal;
    } catch {
      return undefined;
    }
  }
}
