import { ArgsType, Field, GraphQLISODateTime } from '@nestjs/graphql';

@ArgsType()
export class SignalFreshnessArgs {
  @Field(() => GraphQLISODateTime, {
    description: 'Start of the period (inclusive), on occurred_at of the signals.',
  })
  from!: Date;

  @Field(() => GraphQLISODateTime, { description: 'End of the period (exclusive).' })
  to!: Date;
}
