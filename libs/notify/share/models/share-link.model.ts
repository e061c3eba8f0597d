import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ShareResource } from '../share-links.repository.js';

registerEnumType(ShareResource, {
  name: 'ShareResource',
  description: 'What a share link opens.',
  valuesMap: {
    LIFT_REPORT: { description: 'The lift report of a fixed period, rendered when opened.' },
    SNAPSHOT: { description: 'A stored report snapshot, as it was taken.' },
  },
});

@ObjectType({
  description: 'A link that opens one report without a key, until it expires or is revoked.',
})
export class ShareLink {
  @Field(() => ID, { description: 'The link id (sl_…), for revokeShareLink.' })
  id!: string;

  @Field({
    description:
      'The link, PUBLIC_URL/share/{token} (add .pdf for the PDF). The token is stored hashed: only createShareLink shows it; shareLinks shows PUBLIC_URL/share/… without it.',
  })
  url!: string;

  @Field(() => ShareResource, { description: 'What the link opens.' })
  resource!: ShareResource;

  @Field(() => Date, { nullable: true, description: 'Start of the report period (LIFT_REPORT).' })
  from!: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the report period (LIFT_REPORT).' })
  to!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The snapshot (SNAPSHOT).' })
  snapshotId!: string | null;

  @Field({ description: 'When the link was made.' })
  createdAt!: Date;

  @Field({ description: 'When the link stops working.' })
  expiresAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When the link was revoked; null while it works.',
  })
  revokedAt!: Date | null;
}
