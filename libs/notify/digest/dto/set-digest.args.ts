import { ArgsType, Field } from '@nestjs/graphql';

@ArgsType()
export class SetDigestArgs {
  @Field(() => [String], { description: 'E-mail addresses (1 to 50).' })
  recipients!: string[];

  @Field(() => String, {
    nullable: true,
    defaultValue: '0 7 * * 1',
    description: 'A cron pattern in UTC; default Monday 07:00.',
  })
  schedule?: string | null;
}
