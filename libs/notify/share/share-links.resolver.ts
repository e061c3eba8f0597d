import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../../auth/index.js';
import { CreateShareLinkArgs } from './dto/create-share-link.args.js';
import { ShareLink } from './models/share-link.model.js';
import type { StoredShareLink } from './share-links.repository.js';
import { SHARE_LINK_GRACE_DAYS, ShareLinksService } from './share-links.service.js';

function toModel(link: StoredShareLink, url: string): ShareLink {
  return {
    id: link.linkId,
    url,
    resource: link.resource,
    from: link.from,
    to: link.to,
    snapshotId: link.snapshotId,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    revokedAt: link.revokedAt,
  };
}

/** Share links need a READ key: they disclose what READ can read. */
@RequireScope(Scope.READ)
@Resolver(() => ShareLink)
export class ShareLinksResolver {
  constructor(private readonly links: ShareLinksService) {}

  @Mutation(() => ShareLink, {
    description:
      'Makes a link that opens one report without a key (READ scope); its URL is shown this once.',
  })
  async createShareLink(
    @CurrentPrincipal() principal: Principal,
    @Args() args: CreateShareLinkArgs,
  ): Promise<ShareLink> {
    const { link, url } = await this.links.create(principal.tenantId, args, principal.keyId);
    return toModel(link, url);
  }

  @Query(() => [ShareLink], {
    description:
      "The tenant's share links, newest first (READ scope): those not expired yet, unless includeExpired.",
  })
  async shareLinks(
    @CurrentPrincipal() principal: Principal,
    @Args('includeExpired', {
      type: () => Boolean,
      defaultValue: false,
      description: `Also the expired links, kept ${SHARE_LINK_GRACE_DAYS} days after they expire.`,
    })
    includeExpired: boolean,
  ): Promise<ShareLink[]> {
    const hidden = this.links.linkUrl('…');
    const links = await this.links.list(principal.tenantId, includeExpired);
    return links.map((link) => toModel(link, hidden));
  }

  @Mutation(() => Boolean, {
    description: 'Revokes a share link (READ scope): it answers 404 from now on.',
  })
  revokeShareLink(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: 'The link to revoke.' }) id: string,
  ): Promise<boolean> {
    return this.links.revoke(principal.tenantId, id, principal.keyId);
  }
}
