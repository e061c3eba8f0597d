import { Module, type DynamicModule } from '@nestjs/common';
import { ReportsModule } from '../reports/index.js';
import { ShareLinksRepository } from './share/share-links.repository.js';
import { ShareLinksResolver } from './share/share-links.resolver.js';
import { ShareLinksService } from './share/share-links.service.js';
import { ShareController } from './share/share.controller.js';
import { HostResolver } from './webhooks/address-guard.js';
import { SnapshotWebhooks } from './webhooks/snapshot-webhooks.js';
import { WebhookDeliverer } from './webhooks/webhook-deliverer.js';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { WebhooksRepository } from './webhooks/webhooks.repository.js';
import { WebhooksResolver } from './webhooks/webhooks.resolver.js';
import { WebhooksService } from './webhooks/webhooks.service.js';

/**
 * Telling people (DESIGN §8): webhooks and share links. `api` adds the GraphQL fields; `processors` adds the
 * BullMQ processors (the worker app, or the API itself when it owns an embedded store).
 */
@Module({})
export class NotifyModule {
  static register(options: { api: boolean; processors: boolean }): DynamicModule {
    return {
      module: NotifyModule,
      // the same options as the app's own ReportsModule: the one instance (see its register)
      imports: [ReportsModule.register(options)],
      controllers: options.api ? [ShareController] : [],
      providers: [
        ShareLinksRepository,
        ShareLinksService,
        HostResolver,
        WebhooksRepository,
        WebhookDeliverer,
        WebhookDispatcher,
        WebhooksService,
        SnapshotWebhooks,
        ...(options.api ? [WebhooksResolver, ShareLinksResolver] : []),
        ...(options.processors ? [WebhookDeliveryProcessor] : []),
      ],
      exports: [WebhooksService, ShareLinksService],
    };
  }
}
