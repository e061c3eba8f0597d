import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../auth/index.js';
import { OpenPeriodArgs } from './dto/period.args.js';
import { ErasureService } from './erasure.service.js';
import { Erasure } from './models/erasure.model.js';

@RequireScope(Scope.ERASE)
@Resolver(() => Erasure)
export class ErasureResolver {
  constructor(private readonly erasure: ErasureService) {}

  @Mutation(() => Erasure, {
    description:
      "Erases a person (ERASE scope): every row naming them in the tenant's tables (the six streams, rejected lines whose text names them, the assignment rollup) is deleted before the answer. With blockReingest, later rows naming them are refused with reason `erased`.",
  })
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
  erasures(
    @CurrentPrincipal() principal: Principal,
    @Args() { from, to }: OpenPeriodArgs,
  ): Promise<Erasure[]> {
    return this.erasure.erasures(principal.tenantId, from, to);
  }
}
