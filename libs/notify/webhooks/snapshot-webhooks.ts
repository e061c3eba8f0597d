import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SnapshotCreatedHook } from '../../reports/index.js';
import { WebhooksService } from './webhooks.service.js';

/** `snapshot.created`: told to the tenant's endpoints whenever a report snapshot is stored. */
@Injectable()
export class SnapshotWebhooks implements OnModuleInit {
  constructor(
    private readonly hook: SnapshotCreatedHook,
    private readonly webhooks: WebhooksService,
  ) {}

  onModuleInit(): void {
    this.hook.subscribe(async (snapshot) => {
      const day = (d: Date) => d.toISOString().slice(0, 10);
      await this.webhooks.emit(
        snapshot.tenantId,
        'snapshot.created',
        `snapshot-${snapshot.snapshotId}`,
        {
          snapshotId: snapshot.snapshotId,
          kind: snapshot.kind,
          from: snapshot.from.toISOString(),
          to: snapshot.to.toISOString(),
          createdAt: snapshot.createdAt.toISOString(),
        },
        `Lift report snapshot ${snapshot.snapshotId} of ${day(snapshot.from)} to ${day(snapshot.to)} taken`,
      );
    });
  }
}
