import { ArgsType } from '@nestjs/graphql';
import { IdField, IntField } from '../../../graphql-fields/index.js';

@ArgsType()
export class WebhookDeliveriesArgs {
  @IdField('The endpoint.') webhookId!: string;

  @IntField('Most attempts listed, newest first (default 100, at most 1000).', { nullable: true })
  limit?: number | null;
}
