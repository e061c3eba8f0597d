import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../../auth/index.js';
import { nextRun } from '../../queue/index.js';
import { DigestService } from './digest.service.js';
import type { StoredDigest } from './digests.repository.js';
import { SetDigestArgs } from './dto/set-digest.args.js';
import { Digest } from './models/digest.model.js';

function toModel(digest: StoredDigest): Digest {
  return {
    recipients: digest.recipients,
    schedule: digest.schedule,
    timeZone: digest.timeZone,
    nextRunAt: nextRun(digest.schedule, new Date(), digest.timeZone),
    lastSentAt: digest.lastSentAt,
    lastRefused: digest.lastRefused,
    lastFailedAt: digest.lastFailure?.failedAt ?? null,
    lastError: digest.lastFailure?.error ?? null,
  };
}

/** The digest needs a READ key: it discloses what READ can read. */
@RequireScope(Scope.READ)
@Resolver(() => Digest)
export class DigestResolver {
  constructor(private readonly digests: DigestService) {}

  @Mutation(() => Digest, {
    description: "Sets the weekly digest's recipients and schedule (READ scope).",
  })
  async setDigest(
    @CurrentPrincipal() principal: Principal,
    @Args() args: SetDigestArgs,
  ): Promise<Digest> {
    return toModel(
      await this.digests.set(principal.tenantId, args.recipients, args, principal.keyId),
    );
  }

  @Query(() => Digest, {
    nullable: true,
    description: "The tenant's digest, or null when none is set (READ scope).",
  })
  async digest(@CurrentPrincipal() principal: Principal): Promise<Digest | null> {
    const digest = await this.digests.get(principal.tenantId);
    return digest === undefined ? null : toModel(digest);
  }

  @Mutation(() => Boolean, {
    description:
      'Sends the digest of the last full week now (READ scope); an error when SMTP_URL is not set or no digest is set.',
  })
  sendDigestNow(@CurrentPrincipal() principal: Principal): Promise<boolean> {
    return this.digests.sendNow(principal.tenantId);
  }
}
