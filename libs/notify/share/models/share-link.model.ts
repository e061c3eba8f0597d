import { Field, ObjectType } from '@nestjs/graphql';
import { ShareResource } from '../share-links.repository.js';
import {
  DateField,
  IdField,
  StringField,
  registerDocumentedEnum,
} from '../../../graphql-fields/index.js';

registerDocumentedEnum(ShareResource, 'ShareResource', 'What a share link opens.', {
  LIFT_REPORT: 'The lift report of a fixed period, rendered when opened.',
  SNAPSHOT: 'A stored report snapshot, as it was taken.',
});

@ObjectType({
  description: 'A link that opens one report without a key, until it expires or is revoked.',
})
export class ShareLink {
  @IdField('The link id (sl_…), for revokeShareLink.') id!: string;

  @StringField(
    'The link, PUBLIC_URL/share/{token} (add .pdf for the PDF). The token is stored hashed: only createShareLink shows it; shareLinks shows PUBLIC_URL/share/… without it.',
  )
  url!: string;

  @Field(() => ShareResource, { description: 'What the link opens.' }) resource!: ShareResource;

  @DateField('Start of the report period (LIFT_REPORT).', { nullable: true }) from!: Date | null;

  @DateField('End of the report period (LIFT_REPORT).', { nullable: true }) to!: Date | null;

  @IdField('The snapshot (SNAPSHOT).', { nullable: true }) snapshotId!: string | null;

  @DateField('When the link was made.') createdAt!: Date;

  @DateField('When the link stops working.') expiresAt!: Date;

  @DateField('When the link was revoked; null while it works.', { nullable: true })
  revokedAt!: Date | null;
}
