import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { WebhookFormat } from '../webhook-events.js';

@ObjectType({ description: 'An endpoint that receives events.' })
export class Webhook {
  @Field(() => ID, { description: 'The endpoint id (wh_…).' })
  id!: string;

  @Field({ description: 'Where messages are posted.' })
  url!: string;

  @Field(() => [String], {
    description: 'Events it receives: alert.opened, alert.resolved, snapshot.created.',
  })
  events!: string[];

  @Field(() => WebhookFormat, { description: 'STANDARD (signed JSON) or SLACK.' })
  format!: WebhookFormat;

  @Field({ description: 'When the endpoint was added.' })
  createdAt!: Date;
}

@ObjectType({ description: 'A new endpoint with its signing secret, shown this once.' })
export class CreatedWebhook extends Webhook {
  @Field({
    description:
      'The Standard Webhooks signing secret (whsec_ + base64): verify webhook-signature with it. Not shown again.',
  })
  secret!: string;
}

@ObjectType({ description: 'One attempt to deliver a message.' })
export class WebhookDelivery {
  @Field({ description: 'The message id (webhook-id header), the same on every retry.' })
  messageId!: string;

  @Field({ description: 'alert.opened, alert.resolved or snapshot.created.' })
  event!: string;

  @Field(() => Int, { description: '1 for the first attempt.' })
  attempt!: number;

  @Field({
    description:
      'DELIVERED (2xx), FAILED (retried while the 24 h last) or REFUSED (private target).',
  })
  status!: string;

  @Field(() => Int, {
    nullable: true,
    description: "The receiver's HTTP status; null without an answer.",
  })
  responseStatus!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the attempt failed; null when delivered.',
  })
  error!: string | null;

  @Field({ description: 'When the attempt ended.' })
  at!: Date;
}
