import { ArgsType, Field, Int } from '@nestjs/graphql';

@ArgsType()
export class ReportSnapshotsArgs {
  @Field(() => Date, {
    nullable: true,
    description: 'With to: only snapshots whose period lies inside [from, to).',
  })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'With from: end of the window (exclusive).' })
  to?: Date | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 50,
    description: 'Most snapshots returned, newest first (1-500).',
  })
  limit?: number | null;
}
