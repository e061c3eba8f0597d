import { ArgsType, Field } from '@nestjs/graphql';
import { StringField } from '../../../graphql-fields/index.js';

@ArgsType()
export class SetDigestArgs {
  @Field(() => [String], { description: 'E-mail addresses (1 to 50).' }) recipients!: string[];

  @StringField(
    'A cron pattern read in timeZone, 5 fields (or 6 with seconds first), its runs an hour apart or more; default Monday 07:00.',
    { nullable: true, defaultValue: '0 7 * * 1' },
  )
  schedule?: string | null;

  @StringField(
    'The IANA time zone the schedule is read in (e.g. "Europe/Berlin"), so that it keeps its local time across daylight saving; default UTC.',
    { nullable: true, defaultValue: 'UTC' },
  )
  timeZone?: string | null;
}
