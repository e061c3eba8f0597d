import { ArgsType } from '@nestjs/graphql';
import { DateField, IdField, IntField } from '../../../graphql-fields/index.js';

/** Most entries one timeline answers. */
export const MAX_TIMELINE_ENTRIES = 10_000;

@ArgsType()
export class PersonTimelineArgs {
  @IdField('The person (person_id as sent).') personId!: string;

  @DateField('Start of the period (inclusive), event time; omitted: from the first event.', {
    nullable: true,
  })
  from?: Date | null;

  @DateField('End of the period (exclusive); omitted: to the last event.', { nullable: true })
  to?: Date | null;

  @IntField(
    `The first this many entries in time order (default 1000, at most ${MAX_TIMELINE_ENTRIES}); narrow the period for later ones.`,
    { nullable: true, defaultValue: 1000 },
  )
  limit!: number;
}
