import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ShareResource } from '../share/share-links.repository.js';
import { MESSAGE_LINK_HOURS, ShareLinksService } from '../share/share-links.service.js';
import { AlertKind } from './alert-kind.js';
import type { StoredAlert } from './alerts.repository.js';

const DAY = 86_400_000;

/**
 * Where the lift report shows an alert's figures: its section, over the period the rule reads
 * before asOf (the lookback, or the last day). Undefined for the rules whose figures the report
 * does not show (signal freshness, rejected lines, the digest's sends): their evidence carries them.
 */
const REPORT_PLACES: Record<AlertKind, { section: string; days: 'lookback' | 1 } | undefined> = {
  [AlertKind.SRM]: { section: 'lift', days: 'lookback' },
  [AlertKind.SIGNIFICANT_GAIN]: { section: 'lift', days: 'lookback' },
  [AlertKind.LOSS]: { section: 'lift', days: 'lookback' },
  [AlertKind.HARM]: { section: 'harm', days: 'lookback' },
  [AlertKind.CONSENT_VIOLATION]: { section: 'compliance', days: 1 },
  [AlertKind.LATENCY_OUT_OF_WINDOW]: { section: 'latency', days: 1 },
  [AlertKind.STALE_SIGNALS]: undefined,
  [AlertKind.REJECTED_ROWS]: undefined,
  [AlertKind.DIGEST_NOT_SENT]: undefined,
};

/**
 * Links from an alert's messages (webhook, Slack, digest) to where its figures can be read: a
 * share link (PUBLIC_URL/share/{token}, opens without a key) to the lift report of the period its
 * rule read as of its latest judgement, at the section that shows them.
 */
@Injectable()
export class AlertLinks {
  private readonly logger = new Logger(AlertLinks.name);

  constructor(
    private readonly config: AppConfig,
    private readonly shareLinks: ShareLinksService,
  ) {}

  /**
   * A link per alert whose figures the report shows, by alert id: one share link per period
   * (alerts judged together share it), each alert's at its own section.
   */
  async forAlerts(tenantId: string, alerts: readonly StoredAlert[]): Promise<Map<string, string>> {
    const links = new Map<string, string>();
    const byPeriod = new Map<string, string>();
    for (const alert of alerts) {
      const place = REPORT_PLACES[alert.kind];
      if (place === undefined) {
        continue;
      }
      const days = place.days === 'lookback' ? this.config.env.ALERT_LOOKBACK_DAYS : place.days;
      const to = alert.asOf;
      const from = new Date(to.getTime() - days * DAY);
      const period = `${from.toISOString()}/${to.toISOString()}`;
      let url = byPeriod.get(period);
      if (url === undefined) {
        url = (
          await this.shareLinks.create(tenantId, {
            resource: ShareResource.LIFT_REPORT,
            from,
            to,
            expiresInHours: MESSAGE_LINK_HOURS,
          })
        ).url;
        byPeriod.set(period, url);
      }
      links.set(alert.alertId, `${url}#${place.section}`);
    }
    if (byPeriod.size > 0 && this.config.env.PUBLIC_URL === undefined) {
      this.logger.warn(
        `alerts of tenant ${tenantId}: PUBLIC_URL is not set, so their report links point to ${this.config.publicUrl}, which their readers cannot open elsewhere; set PUBLIC_URL to the address they reach the API at`,
      );
    }
    return links;
  }
}
