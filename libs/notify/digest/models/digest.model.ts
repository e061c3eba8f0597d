import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "The tenant's weekly digest e-mail." })
export class Digest {
  @Field(() => [String], { description: 'Who gets it.' })
  recipients!: string[];

  @Field({
    description: 'When it is sent: a cron pattern in UTC (default "0 7 * * 1", Monday 07:00).',
  })
  schedule!: string;

  @Field({ description: 'The next time the schedule sends it.' })
  nextRunAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'When it was last sent; null before the first.',
  })
  lastSentAt!: Date | null;
}
