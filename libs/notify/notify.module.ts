import { Module, type DynamicModule } from '@nestjs/common';
import { HostResolver } from './webhooks/address-guard.js';
import { WebhookDeliverer } from './webhooks/webhook-deliverer.js';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { WebhooksRepository } from './webhooks/webhooks.repository.js';
import { WebhooksResolver } from './webhooks/webhooks.resolver.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

/**
 * Telling people (DESIGN §8): webhooks. `api` adds the GraphQL fields; `processors` adds the
 * BullMQ processors (the worker app, or the API itself when it owns an embedded store).
 */
@Module({})
export class NotifyModule {
  static register(options: { api: boolean; processors: boolean }): DynamicModule {
    return {
      module: NotifyModule,
      providers: [
        HostResolver,
        WebhooksRepository,
        WebhookDeliverer,
        WebhookDispatcher,
        WebhooksService,
        ...(options.api ? [WebhooksResolver] : []),
        ...(options.processors ? [WebhookDeliveryProcessor] : []),
      ],
      exports: [WebhooksService],
    };
  }
}
