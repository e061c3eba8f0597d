import { ArgsType, Field } from '@nestjs/graphql';
import { ShareResource } from '../share-links.repository.js';
import { DateField, IdField, IntField } from '../../../graphql-fields/index.js';

@ArgsType()
export class CreateShareLinkArgs {
  @Field(() => ShareResource, {
    description:
      'LIFT_REPORT (with from and to) or SNAPSHOT (with snapshotId); an argument of the other is refused.',
  })
  resource!: ShareResource;

  @DateField('Start of the report period (LIFT_REPORT).', { nullable: true }) from?: Date | null;

  @DateField('End of the report period (LIFT_REPORT).', { nullable: true }) to?: Date | null;

  @IdField('The snapshot to share (SNAPSHOT).', { nullable: true }) snapshotId?: string | null;

  @IntField('Hours until the link stops working (1 to 8784).', {
    nullable: true,
    defaultValue: 168,
  })
  expiresInHours?: number | null;
}
