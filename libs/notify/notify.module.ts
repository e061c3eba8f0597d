import { Module, type DynamicModule } from '@nestjs/common';
import {
  ConsentAuditModule,
  FreshnessModule,
  GuardrailsModule,
  LatencyModule,
  LiftModule,
} from '../measurement/index.js';
import { ReportsModule } from '../reports/index.js';
import { DigestScheduler } from './digest/digest-scheduler.js';
import { DigestSender } from './digest/digest-sender.js';
import { DigestProcessor } from './digest/digest.processor.js';
import { DigestResolver } from './digest/digest.resolver.js';
import { DigestService } from './digest/digest.service.js';
import { DigestsRepository } from './digest/digests.repository.js';
import { AlertLinks } from './alerts/alert-links.js';
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
 * Telling people (docs/design.md §8): alerts, webhooks, share links and the weekly digest. `api` adds the GraphQL fields; `processors` adds the
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
        DigestsRepository,
        DigestSender,
        DigestService,
        AlertsRepository,
        AlertLinks,
        AlertsService,
        ShareLinksRepository,
        ShareLinksService,
        HostResolver,
        WebhooksRepository,
        WebhookDeliverer,
        WebhookDispatcher,
        WebhooksService,
        SnapshotWebhooks,
        ...(options.api
          ? [WebhooksResolver, ShareLinksResolver, AlertsResolver, DigestResolver]
          : []),
        ...(options.processors ? [WebhookDeliveryProcessor, DigestProcessor] : []),
        ...(options.schedules ? [AlertSchedule] : []),
        // in every process: with Redis it writes the job schedulers setDigest asks for; without,
        // the one process keeps the timers
        DigestScheduler,
      ],
      exports: [WebhooksService, ShareLinksService, AlertsService, DigestService],
    };
  }
}
