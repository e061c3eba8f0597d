import { ArgsType, Field } from '@nestjs/graphql';
import { RevenueCapInput } from '../../lift/dto/lift.args.js';
import { AttributionModel } from './attribution-model.enum.js';
import { DateField, FloatField } from '../../../graphql-fields/index.js';

/** Default half-life of the time-decay model: 7 days. */
export const DEFAULT_HALF_LIFE_MS = 7 * 24 * 60 * 60 * 1000;

@ArgsType()
export class AttributionArgs {
  @DateField('Start of the period (inclusive), on decided_at of the touches.') from!: Date;

  @DateField('End of the period (exclusive).') to!: Date;

  @Field(() => AttributionModel, { description: 'How credit is spread over the touches.' })
  model!: AttributionModel;

  @FloatField(
    "TIME_DECAY: half-life of a touch's weight in ms (default 7 days, at most 10 years); ignored otherwise.",
    { nullable: true, defaultValue: DEFAULT_HALF_LIFE_MS },
  )
  halfLifeMs!: number;

  @Field(() => RevenueCapInput, {
    nullable: true,
    description:
      "Cap each person's revenue in the holdout estimate beside the credit (incrementalRevenue), as liftReport's revenueCap.",
  })
  revenueCap?: RevenueCapInput | null;
}
