import { ArgsType, Field, ID } from '@nestjs/graphql';
import { LatencyDimension } from './latency-dimension.enum.js';
import { DateField } from '../../../graphql-fields/index.js';

@ArgsType()
export class TriggerLatencyArgs {
  @DateField('Start of the period (inclusive), on decided_at of the firings.') from!: Date;

  @DateField('End of the period (exclusive).') to!: Date;

  @Field(() => [ID], {
    nullable: true,
    description: 'Only these triggers; omitted or empty = all.',
  })
  triggerIds?: string[] | null;

  @Field(() => [LatencyDimension], {
    nullable: true,
    description: 'Dimensions to split by beyond the trigger; omitted or empty = per trigger only.',
  })
  groupBy?: LatencyDimension[] | null;
}
