import { Injectable, type OnModuleInit } from '@nestjs/common';
import { formatPeriod, SnapshotCreatedHook } from '../../reports/index.js';
import { WebhooksService } from './webhooks.service.js';

/** The words of a `snapshot.created` (Slack's text): the days the report covers, as it prints them. */
export function snapshotSummary(snapshot: { snapshotId: string; from: Date; to: Date }): string {
  return `Lift report snapshot ${snapshot.snapshotId} of ${formatPeriod(snapshot.from, snapshot.to)} taken`;
}

/** `snapshot.created`: told to the tenant's endpoints whenever a report snapshot is stored. */
@Injectable()
export class SnapshotWebhooks implements OnModuleInit {
  constructor(
    private readonly hook: SnapshotCreatedHook,
    private readonly webhooks: WebhooksService,
  ) {}

  onModuleInit(): void {
    this.hook.subscribe(async (snapshot) => {
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
        snapshotSummary(snapshot),
      );
    });
  }
}
