import { Field, ObjectType } from '@nestjs/graphql';
import { WebhookFormat } from '../webhook-events.js';
import { DateField, IdField, IntField, StringField } from '../../../graphql-fields/index.js';

@ObjectType({ description: 'An endpoint that receives events.' })
export class Webhook {
  @IdField('The endpoint id (wh_…).') id!: string;

  @StringField('Where messages are posted.') url!: string;

  @Field(() => [String], {
    description: 'Events it receives: alert.opened, alert.resolved, snapshot.created.',
  })
  events!: string[];

  @Field(() => WebhookFormat, { description: 'STANDARD (signed JSON) or SLACK.' })
  format!: WebhookFormat;

  @DateField('When the endpoint was added.') createdAt!: Date;

  @DateField(
    'When its receiver answered 410 Gone, which disabled it: it gets no more messages (add it again to resume); null while enabled.',
    { nullable: true },
  )
  disabledAt!: Date | null;
}

@ObjectType({ description: 'A new endpoint with its signing secret, shown this once.' })
export class CreatedWebhook extends Webhook {
  @StringField(
    'The Standard Webhooks signing secret (whsec_ + base64): verify webhook-signature with it. Not shown again.',
  )
  secret!: string;
}

@ObjectType({ description: 'One attempt to deliver a message.' })
export class WebhookDelivery {
  @StringField('The message id (webhook-id header), the same on every retry.') messageId!: string;

  @StringField('alert.opened, alert.resolved or snapshot.created.') event!: string;

  @IntField('1 for the first attempt.') attempt!: number;

  @StringField(
    'DELIVERED (2xx), FAILED (tried again at nextAttemptAt; not at all when that is null), GONE (answered 410 Gone: not retried) or REFUSED (private target).',
  )
  status!: string;

  @IntField("The receiver's HTTP status; null without an answer.", { nullable: true })
  responseStatus!: number | null;

  @StringField('Why the attempt failed; null when delivered.', { nullable: true })
  error!: string | null;

  @DateField('When the attempt ended.') at!: Date;

  @StringField(
    "The receiver's Retry-After header as it sent it with a 429 or 503 (seconds, or an HTTP date); null when it asked nothing.",
    { nullable: true },
  )
  retryAfter!: string | null;

  @DateField(
    'When the next attempt is due: the backoff, or the Retry-After when longer; null when none follows (delivered, refused, gone, or no time left in the retry window).',
    { nullable: true },
  )
  nextAttemptAt!: Date | null;
}
