import { ArgsType, Field, ID, Int } from '@nestjs/graphql';

@ArgsType()
export class WebhookDeliveriesArgs {
  @Field(() => ID, { description: 'The endpoint.' })
  webhookId!: string;

  @Field(() => Int, {
    nullable: true,
    description: 'Most attempts listed, newest first (default 100, at most 1000).',
  })
  limit?: number | null;
}
