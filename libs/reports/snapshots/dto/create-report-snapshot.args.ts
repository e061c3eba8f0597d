import { ArgsType, Field } from '@nestjs/graphql';
import { RevenueCapInput } from '../../../measurement/index.js';
import { DateField } from '../../../graphql-fields/index.js';

@ArgsType()
export class CreateReportSnapshotArgs {
  @DateField('Start of the period to report (inclusive), event time.') from!: Date;

  @DateField('End of the period (exclusive); at most 400 days after from.') to!: Date;

  @Field(() => RevenueCapInput, {
    nullable: true,
    description:
      "Cap each person's revenue before every revenue figure of the report (as liftReport's revenueCap); absent: the REPORT_REVENUE_CAP setting.",
  })
  revenueCap?: RevenueCapInput | null;
}
