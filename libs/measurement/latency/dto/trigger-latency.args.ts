import { ArgsType, Field, GraphQLISODateTime, ID } from '@nestjs/graphql';
import { LatencyDimension } from './latency-dimension.enum.js';

@ArgsType()
export class TriggerLatencyArgs {
  @Field(() => GraphQLISODateTime, {
    description: 'Start of the period (inclusive), on decided_at of the firings.',
  })
  from!: Date;

  @Field(() => GraphQLISODateTime, { description: 'End of the period (exclusive).' })
  to!: Date;

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
