import { Module, type DynamicModule } from '@nestjs/common';
import {
  ConsentAuditModule,
  FreshnessModule,
  GuardrailsModule,
  LatencyModule,
  LiftModule,
} from '../measurement/index.js';
import { ReportsModule } from '../reports/index.js';
import { AlertSchedule } from './alerts/alert-schedule.js';
import { AlertsRepository } from './alerts/alerts.repository.js';
import { AlertsResolver } from './alerts/alerts.resolver.js';
import { AlertsService } from './alerts/alerts.service.js';
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
 * Telling people (DESIGN §8): alerts, webhooks and share links. `api` adds the GraphQL fields; `processors` adds the
 * BullMQ processors (the worker app, or the API itself when it owns an embedded store).
 */
@Module({})
export class NotifyModule {
  static register(options: {
    api: boolean;
    processors: boolean;
    /** Runs the alert schedule here (one process per deployment should). */
    schedules: boolean;
  }): DynamicModule {
    return {
      module: NotifyModule,
      // the same options as the app's own ReportsModule: the one instance (see its register)
      imports: [
        ReportsModule.register({ api: options.api, processors: options.processors }),
        LiftModule,
        GuardrailsModule,
        ConsentAuditModule,
        LatencyModule,
        FreshnessModule,
      ],
      controllers: options.api ? [ShareController] : [],
      providers: [
        AlertsRepository,
        AlertsService,
        ShareLinksRepository,
        ShareLinksService,
        HostResolver,
        WebhooksRepository,
        WebhookDeliverer,
        WebhookDispatcher,
        WebhooksService,
        SnapshotWebhooks,
        ...(options.api ? [WebhooksResolver, ShareLinksResolver, AlertsResolver] : []),
        ...(options.processors ? [WebhookDeliveryProcessor] : []),
        ...(options.schedules ? [AlertSchedule] : []),
      ],
      exports: [WebhooksService, ShareLinksService, AlertsService],
    };
  }
}
