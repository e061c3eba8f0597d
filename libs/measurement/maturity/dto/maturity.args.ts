import { ArgsType, Field, GraphQLISODateTime } from '@nestjs/graphql';

@ArgsType()
export class MaturityArgs {
  @Field(() => GraphQLISODateTime, {
    description: 'Start of the period assessed (inclusive), event time.',
  })
  from!: Date;

  @Field(() => GraphQLISODateTime, { description: 'End of the period assessed (exclusive).' })
  to!: Date;
}
