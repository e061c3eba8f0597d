import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/index.js';
import { ShareResource } from '../share/share-links.repository.js';
import { MESSAGE_LINK_HOURS, ShareLinksService } from '../share/share-links.service.js';
import { AlertKind, AlertState } from './alert-kind.js';
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
   * (alerts judged together share it), each alert's at its own section. For the digest, whose
   * every send is a new e-mail.
   */
  async forAlerts(tenantId: string, alerts: readonly StoredAlert[]): Promise<Map<string, string>> {
    return this.linked(tenantId, alerts, async (period) => {
      return (await this.shareLinks.create(tenantId, reportOf(period))).url;
    });
  }

  /**
   * The links of alert messages about to be told (alert.opened of an open alert, alert.resolved
   * of a resolved one), as forAlerts, but made once for those messages: the link of a period is
   * keyed by the messages that carry it, so a retry of them (the next evaluation, whose messages
   * the queue keeps once) finds the link their first attempt made, its period the first's.
   */
  async forMessages(
    tenantId: string,
    alerts: readonly StoredAlert[],
  ): Promise<Map<string, string>> {
    return this.linked(tenantId, alerts, async (period, carriedBy) => {
      const messages = carriedBy.map(alertEventId).sort();
      const { url } = await this.shareLinks.forMessage(
        tenantId,
        reportOf(period),
        `alerts ${messages.join(' ')}`,
      );
      return url;
    });
  }

  /**
   * Each alert the report shows at the link `link` makes of its period (once per period, for
   * the alerts that read it), at its section; warns when the links point nowhere.
   */
  private async linked(
    tenantId: string,
    alerts: readonly StoredAlert[],
    link: (period: { from: Date; to: Date }, carriedBy: StoredAlert[]) => Promise<string>,
  ): Promise<Map<string, string>> {
    const periods = new Map<string, { from: Date; to: Date; alerts: StoredAlert[] }>();
    for (const alert of alerts) {
      const place = REPORT_PLACES[alert.kind];
      if (place === undefined) {
        continue;
      }
      const days = place.days === 'lookback' ? this.config.env.ALERT_LOOKBACK_DAYS : place.days;
      const to = alert.asOf;
      const from = new Date(to.getTime() - days * DAY);
      const key = `${from.toISOString()}/${to.toISOString()}`;
      const period = periods.get(key) ?? { from, to, alerts: [] };
      period.alerts.push(alert);
      periods.set(key, period);
    }
    const links = new Map<string, string>();
    for (const period of periods.values()) {
      const url = await link(period, period.alerts);
      for (const alert of period.alerts) {
        links.set(alert.alertId, `${url}#${REPORT_PLACES[alert.kind]?.section}`);
      }
    }
    if (periods.size > 0 && this.config.env.PUBLIC_URL === undefined) {
      this.logger.warn(
        `alerts of tenant ${tenantId}: PUBLIC_URL is not set, so their report links point to ${this.config.publicUrl}, which their readers cannot open elsewhere; set PUBLIC_URL to the address they reach the API at`,
      );
    }
    return links;
  }
}

/** The share link of the lift report over a period, as a message carries it. */
function reportOf(period: { from: Date; to: Date }) {
  return {
    resource: ShareResource.LIFT_REPORT,
    from: period.from,
    to: period.to,
    expiresInHours: MESSAGE_LINK_HOURS,
  };
}

/** The event an alert's message tells: `{alertId}-opened` of an open alert, else `-resolved`. */
export function alertEventId(alert: StoredAlert): string {
  return `${alert.alertId}-${alert.state === AlertState.RESOLVED ? 'resolved' : 'opened'}`;
}
