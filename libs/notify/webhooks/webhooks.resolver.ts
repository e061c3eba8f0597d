import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, RequireScope, Scope, type Principal } from '../../auth/index.js';
import { CreateWebhookArgs } from './dto/create-webhook.args.js';
import { WebhookDeliveriesArgs } from './dto/webhook-deliveries.args.js';
import { CreatedWebhook, Webhook, WebhookDelivery } from './models/webhook.model.js';
import type { StoredWebhook } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

function toWebhook(stored: StoredWebhook): Webhook {
  return {
    id: stored.webhookId,
    url: stored.url,
    events: stored.events,
    format: stored.format,
    createdAt: stored.createdAt,
    disabledAt: stored.disabledAt,
  };
}

/** Webhooks need a READ key: they disclose what READ can read. */
@RequireScope(Scope.READ)
@Resolver(() => Webhook)
export class WebhooksResolver {
  constructor(private readonly service: WebhooksService) {}

  @Mutation(() => CreatedWebhook, {
    description: 'Adds a webhook endpoint (READ scope); the secret is shown once.',
  })
  async createWebhook(
    @CurrentPrincipal() principal: Principal,
    @Args() args: CreateWebhookArgs,
  ): Promise<CreatedWebhook> {
    const created = await this.service.create(principal.tenantId, args, principal.keyId);
    return { ...toWebhook(created), secret: created.secret };
  }

  @Query(() => [Webhook], { description: "The tenant's webhook endpoints (READ scope)." })
  async webhooks(@CurrentPrincipal() principal: Principal): Promise<Webhook[]> {
    return (await this.service.list(principal.tenantId)).map(toWebhook);
  }

  @Mutation(() => Boolean, { description: 'Removes a webhook endpoint (READ scope).' })
  deleteWebhook(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID, description: 'The endpoint to remove.' }) id: string,
  ): Promise<boolean> {
    return this.service.delete(principal.tenantId, id, principal.keyId);
  }

  @Query(() => [WebhookDelivery], {
    description: "An endpoint's delivery attempts, newest first (READ scope).",
  })
  async webhookDeliveries(
    @CurrentPrincipal() principal: Principal,
    @Args() args: WebhookDeliveriesArgs,
  ): Promise<WebhookDelivery[]> {
    const rows = await this.service.deliveries(principal.tenantId, args.webhookId, args.limit);
    return rows.map((row) => ({
      messageId: row.messageId,
      event: row.event,
      attempt: row.attempt,
      status: row.status,
      responseStatus: row.responseStatus,
      error: row.error === '' ? null : row.error,
      at: row.at,
      retryAfter: row.retryAfter,
      nextAttemptAt: row.nextAttemptAt,
    }));
  }
}
