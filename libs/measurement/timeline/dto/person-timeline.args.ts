import { ArgsType, Field, GraphQLISODateTime, ID, Int } from '@nestjs/graphql';

/** Most entries one timeline answers. */
export const MAX_TIMELINE_ENTRIES = 10_000;

@ArgsType()
export class PersonTimelineArgs {
  @Field(() => ID, { description: 'The person (person_id as sent).' })
  personId!: string;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'Start of the period (inclusive), event time; omitted: from the first event.',
  })
  from?: Date | null;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'End of the period (exclusive); omitted: to the last event.',
  })
  to?: Date | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 1000,
    description: `The first this many entries in time order (default 1000, at most ${MAX_TIMELINE_ENTRIES}); narrow the period for later ones.`,
  })
  limit!: number;
}
