import { Field, ObjectType } from '@nestjs/graphql';
import { DateField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({ description: "The tenant's weekly digest e-mail." })
export class Digest {
  @Field(() => [String], { description: 'Who gets it.' }) recipients!: string[];

  @StringField(
    'When it is sent: a cron pattern read in timeZone (default "0 7 * * 1", Monday 07:00).',
  )
  schedule!: string;

  @StringField('The IANA time zone the schedule is read in (default "UTC").')
  timeZone!: string;

  @DateField('The next time the schedule sends it.') nextRunAt!: Date;

  @DateField('When it was last sent; null before the first.', { nullable: true })
  lastSentAt!: Date | null;

  @Field(() => [String], {
    description:
      'The recipients the mail server refused at the last send (the others got it); empty when it took them all, and before the first send.',
  })
  lastRefused!: string[];

  @DateField(
    'When the last send failed (the mail server down, every recipient refused, SMTP_URL unset), when no send succeeded after it; null otherwise.',
    { nullable: true },
  )
  lastFailedAt!: Date | null;

  @StringField('Why the last send failed, with lastFailedAt; null otherwise.', { nullable: true })
  lastError!: string | null;
}
