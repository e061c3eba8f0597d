import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { ShareResource } from '../share-links.repository.js';

@ArgsType()
export class CreateShareLinkArgs {
  @Field(() => ShareResource, {
    description: 'LIFT_REPORT (with from and to) or SNAPSHOT (with snapshotId).',
  })
  resource!: ShareResource;

  @Field(() => Date, { nullable: true, description: 'Start of the report period (LIFT_REPORT).' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'End of the report period (LIFT_REPORT).' })
  to?: Date | null;

  @Field(() => ID, { nullable: true, description: 'The snapshot to share (SNAPSHOT).' })
  snapshotId?: string | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 168,
    description: 'Hours until the link stops working (1 to 8784).',
  })
  expiresInHours?: number | null;
}
