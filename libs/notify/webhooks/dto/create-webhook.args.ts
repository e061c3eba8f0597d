import { ArgsType, Field } from '@nestjs/graphql';
import { WebhookFormat } from '../webhook-events.js';
import { StringField } from '../../../graphql-fields/index.js';

@ArgsType()
export class CreateWebhookArgs {
  @StringField(
    'http(s) URL; must resolve only to public addresses unless WEBHOOK_ALLOW_PRIVATE=true.',
  )
  url!: string;

  @Field(() => [String], { description: 'alert.opened, alert.resolved, snapshot.created.' })
  events!: string[];

  @Field(() => WebhookFormat, {
    nullable: true,
    defaultValue: WebhookFormat.STANDARD,
    description: 'STANDARD (signed JSON, the default) or SLACK.',
  })
  format?: WebhookFormat | null;
}
