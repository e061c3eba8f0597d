import { ArgsType, Field } from '@nestjs/graphql';

@ArgsType()
export class CreateReportSnapshotArgs {
  @Field({ description: 'Start of the period to report (inclusive), event time.' })
  from!: Date;

  @Field({ description: 'End of the period (exclusive); at most 400 days after from.' })
  to!: Date;
}
