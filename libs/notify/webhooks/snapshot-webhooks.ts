import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { formatPeriod, SnapshotCreatedHook, type SnapshotSummary } from '../../reports/index.js';
import { ShareResource } from '../share/share-links.repository.js';
import { MESSAGE_LINK_HOURS, ShareLinksService } from '../share/share-links.service.js';
import { WebhooksService } from './webhooks.service.js';

/** The words of a `snapshot.created` (Slack's text): the days the report covers, as it prints them. */
export function snapshotSummary(snapshot: { snapshotId: string; from: Date; to: Date }): string {
  return `Lift report snapshot ${snapshot.snapshotId} of ${formatPeriod(snapshot.from, snapshot.to)} taken`;
}

/**
 * `snapshot.created`: told to the tenant's endpoints whenever a report snapshot is stored, with a
 * share link to the stored report (`data.reportUrl`, Slack's "Open the report"), as an alert's
 * message links to its figures.
 */
@Injectable()
export class SnapshotWebhooks implements OnModuleInit {
  private readonly logger = new Logger(SnapshotWebhooks.name);

  constructor(
    private readonly config: AppConfig,
    private readonly hook: SnapshotCreatedHook,
    private readonly webhooks: WebhooksService,
    private readonly shareLinks: ShareLinksService,
  ) {}

  onModuleInit(): void {
    this.hook.subscribe((snapshot) => this.announce(snapshot));
  }

  private async announce(snapshot: SnapshotSummary): Promise<void> {
    const eventId = `snapshot-${snapshot.snapshotId}`;
    const reportUrl = await this.reportUrl(snapshot, eventId);
    await this.webhooks.emit(
      snapshot.tenantId,
      'snapshot.created',
      eventId,
      {
        snapshotId: snapshot.snapshotId,
        kind: snapshot.kind,
        from: snapshot.from.toISOString(),
        to: snapshot.to.toISOString(),
        createdAt: snapshot.createdAt.toISOString(),
        reportUrl: reportUrl ?? null,
      },
      snapshotSummary(snapshot),
      reportUrl === undefined ? undefined : { url: reportUrl, text: 'Open the report' },
    );
  }

  /**
   * A share link to the snapshot, made only when an endpoint will carry it, and once per
   * announcement: a retried one carries the link the first attempt made.
   */
  private async reportUrl(snapshot: SnapshotSummary, eventId: string): Promise<string | undefined> {
    const { tenantId, snapshotId } = snapshot;
    if (!(await this.webhooks.listens(tenantId, ['snapshot.created']))) {
      return undefined;
    }
    const { url } = await this.shareLinks.forMessage(
      tenantId,
      { resource: ShareResource.SNAPSHOT, snapshotId, expiresInHours: MESSAGE_LINK_HOURS },
      eventId,
    );
    if (this.config.env.PUBLIC_URL === undefined) {
      this.logger.warn(
        `snapshot ${snapshotId} of tenant ${tenantId}: PUBLIC_URL is not set, so its report link points to ${this.config.publicUrl}, which its readers cannot open elsewhere; set PUBLIC_URL to the address they reach the API at`,
      );
    }
    return url;
  }
}
