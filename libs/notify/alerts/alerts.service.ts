import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/index.js';
import { pageProblem, periodProblem } from '../../errors/index.js';
import {
  ConsentAuditService,
  FreshnessService,
  GuardrailsService,
  LatencyService,
  LiftService,
} from '../../measurement/index.js';
import { ClickHouseService, dateToClickHouse } from '../../storage/index.js';
import { DigestsRepository } from '../digest/digests.repository.js';
import { NotifyErrorCode, NotifyException } from '../notify.exception.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { AlertKind, AlertState } from './alert-kind.js';
import { alertEventId, AlertLinks } from './alert-links.js';
import { findAlerts, type AlertInputs, type Finding } from './alert-rules.js';
import { alertKey, AlertsRepository, type StoredAlert } from './alerts.repository.js';
import { queryStreamLines } from './stream-lines.query.js';

/** More than any tenant has open at once: the open alerts are read whole. */
const ALL_OPEN = 100_000;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const MAX_ALERTS_LISTED = 1000;

/** What one evaluation changed. */
export interface Evaluation {
  asOf: Date;
  /** Alerts open after the evaluation (opened now or still found). */
  open: StoredAlert[];
  opened: StoredAlert[];
  resolved: StoredAlert[];
}

const keyOf = alertKey;

/**
 * The alert rules of docs/design.md §8 over the existing measures: evaluates a tenant as of a time, keeps
 * one open alert per (kind, subject), resolves those no longer found, and tells the webhooks.
 * Evaluations of one tenant run one at a time in this process.
 */
/**
 * How a message about an alert starts (Slack's text). A significant gain is news, not trouble,
 * and its end is a win lost, not a problem fixed.
 */
export function alertText(
  alert: Pick<StoredAlert, 'kind' | 'summary'>,
  state: 'opened' | 'resolved',
): string {
  const gain = alert.kind === AlertKind.SIGNIFICANT_GAIN;
  if (state === 'opened') {
    const headline = gain ? ':chart_with_upwards_trend: Good news' : ':rotating_light: Alert';
    return `${headline} ${alert.kind}: ${alert.summary}`;
  }
  // the summary is the one the alert opened with: said as what was, not what is
  const headline = gain ? ':warning: No longer' : ':white_check_mark: Resolved';
  return `${headline} ${alert.kind} (it read: ${alert.summary})`;
}

@Injectable()
export class AlertsService {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
    private readonly repository: AlertsRepository,
    private readonly lift: LiftService,
    private readonly guardrails: GuardrailsService,
    private readonly consent: ConsentAuditService,
    private readonly latency: LatencyService,
    private readonly freshness: FreshnessService,
    private readonly webhooks: WebhooksService,
    private readonly digests: DigestsRepository,
    private readonly links: AlertLinks,
  ) {}

  /** Evaluates the tenant's rules as of `asOf` (default now). */
  evaluate(tenantId: string, asOf: Date = new Date()): Promise<Evaluation> {
    if (Number.isNaN(asOf.getTime())) {
      throw new NotifyException(NotifyErrorCode.InvalidRequest, 'asOf: not a valid time');
    }
    const previous = this.running.get(tenantId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.evaluateNow(tenantId, asOf));
    this.running.set(tenantId, next);
    const forget = () => {
      if (this.running.get(tenantId) === next) {
        this.running.delete(tenantId);
      }
    };
    // on both paths, and nothing derived left to reject: `next.finally(...)` would reject with a
    // failed evaluation's error where nobody waits for it, and end the process
    next.then(forget, forget);
    return next;
  }

  list(
    tenantId: string,
    filter: {
      state?: AlertState | null;
      from?: Date | null;
      to?: Date | null;
      limit?: number | null;
    },
  ): Promise<StoredAlert[]> {
    const limit = filter.limit ?? 100;
    const problem = pageProblem({ limit }, MAX_ALERTS_LISTED) ?? periodProblem(filter);
    if (problem !== undefined) {
      throw new NotifyException(NotifyErrorCode.InvalidRequest, problem);
    }
    return this.repository.list(tenantId, { ...filter, limit });
  }

  /** Every open alert of the tenant, newest first (no page: the conditions open now are few). */
  open(tenantId: string): Promise<StoredAlert[]> {
    return this.repository.list(tenantId, { state: AlertState.OPEN, limit: ALL_OPEN });
  }

  /** The measures the rules read, each over its period before asOf. */
  async inputs(tenantId: string, asOf: Date): Promise<AlertInputs> {
    const lookback = new Date(asOf.getTime() - this.config.env.ALERT_LOOKBACK_DAYS * DAY);
    const lastDay = new Date(asOf.getTime() - DAY);
    const lastHour = new Date(asOf.getTime() - HOUR);
    const [lift, guardrails, consent, latency, freshness, streams, digestFailure] =
      await Promise.all([
        this.lift.report(tenantId, { from: lookback, to: asOf, sequential: true }),
        this.guardrails.report(tenantId, lookback, asOf, [], {
          sequential: true,
          defaultPlannedPersons: this.config.env.SEQUENTIAL_PLANNED_PERSONS,
        }),
        this.consent.audit(tenantId, { from: lastDay, to: asOf }),
        this.latency.triggerLatency(tenantId, { from: lastDay, to: asOf }),
        this.freshness.signalFreshness(tenantId, lastDay, asOf),
        queryStreamLines(this.clickhouse, {
          tenantId,
          from: dateToClickHouse(lastHour),
          to: dateToClickHouse(asOf),
        }),
        // as it stood at asOf: a send after it does not clear a failure before it
        this.digests.failureAsOf(tenantId, asOf),
      ]);
    return { lift, guardrails, consent, latency, freshness, streams, digestFailure };
  }

  private async evaluateNow(tenantId: string, asOf: Date): Promise<Evaluation> {
    const now = new Date();
    // the time judged as of: a later asOf reads no data newer than now (its periods end now, not
    // in a future where nothing has happened, which would resolve every alert), and must not
    // hold back the evaluations of now that come after it
    const judged = new Date(Math.min(asOf.getTime(), now.getTime()));
    const findings = findAlerts(await this.inputs(tenantId, judged));
    const open = await this.open(tenantId);
    const history = await this.repository.historyByKey(tenantId);
    // what an evaluation as of a later time decided is not this one's to undo: evaluating the
    // past neither resolves an alert found since nor reopens one resolved since
    const decidedLater = (key: string) =>
      (history.get(key)?.lastAsOf.getTime() ?? Number.NEGATIVE_INFINITY) > judged.getTime();
    const openByKey = new Map(open.map((a) => [keyOf(a), a]));
    const foundKeys = new Set(findings.map(keyOf));
    const opened = findings
      .filter((f) => !openByKey.has(keyOf(f)) && !decidedLater(keyOf(f)))
      .map((f) => this.newAlert(tenantId, f, now, judged, history.get(keyOf(f))?.count ?? 0));
    const resolved = open
      .filter((a) => !foundKeys.has(keyOf(a)) && !decidedLater(keyOf(a)))
      .map((a) => ({ ...a, state: AlertState.RESOLVED, resolvedAt: now, asOf: judged }));
    const stillOpen = open.filter((a) => foundKeys.has(keyOf(a)));
    // found again as of a later time than it was judged: that is now its latest judgement
    const confirmed = stillOpen
      .filter((a) => a.asOf.getTime() < judged.getTime())
      .map((a) => ({ ...a, asOf: judged }));
    // messages first, then the state: should the store fail, the next evaluation finds the same
    // changes and sends them again (at least once) rather than store a change nobody was told of
    const links = await this.linksFor(tenantId, [...opened, ...resolved]);
    for (const alert of opened) {
      await this.tell(alert, 'alert.opened', links.get(alert.alertId));
    }
    for (const alert of resolved) {
      await this.tell(alert, 'alert.resolved', links.get(alert.alertId));
    }
    await this.repository.save([...opened, ...resolved, ...confirmed]);
    return { asOf, open: [...stillOpen, ...opened], opened, resolved };
  }

  /**
   * The n-th alert of a (kind, subject) has an id derived from them: two processes that evaluate
   * the same tenant at once write the same alert (the table keeps one row) and queue the same
   * message id (BullMQ keeps one job).
   */
  private newAlert(
    tenantId: string,
    finding: Finding,
    now: Date,
    asOf: Date,
    previous: number,
  ): StoredAlert {
    const id = createHash('sha256')
      .update([tenantId, finding.kind, finding.subject, String(previous)].join('\u0000'))
      .digest('hex')
      .slice(0, 24);
    return {
      tenantId,
      alertId: `al_${id}`,
      kind: finding.kind,
      triggerId: finding.triggerId,
      subject: finding.subject,
      state: AlertState.OPEN,
      openedAt: now,
      resolvedAt: null,
      summary: finding.summary,
      evidence: JSON.stringify(finding.evidence),
      asOf,
    };
  }

  /** The report links of alerts about to be told, made only when an endpoint will get them. */
  private async linksFor(tenantId: string, alerts: StoredAlert[]): Promise<Map<string, string>> {
    if (
      alerts.length === 0 ||
      !(await this.webhooks.listens(tenantId, ['alert.opened', 'alert.resolved']))
    ) {
      return new Map();
    }
    return this.links.forMessages(tenantId, alerts);
  }

  private async tell(
    alert: StoredAlert,
    event: 'alert.opened' | 'alert.resolved',
    reportUrl: string | undefined,
  ): Promise<void> {
    const state = event === 'alert.opened' ? 'opened' : 'resolved';
    await this.webhooks.emit(
      alert.tenantId,
      event,
      alertEventId(alert),
      {
        alertId: alert.alertId,
        kind: alert.kind,
        triggerId: alert.triggerId,
        subject: alert.subject,
        state: alert.state,
        openedAt: alert.openedAt.toISOString(),
        resolvedAt: alert.resolvedAt?.toISOString() ?? null,
        summary: alert.summary,
        evidence: JSON.parse(alert.evidence) as unknown,
        reportUrl: reportUrl ?? null,
      },
      alertText(alert, state),
      reportUrl === undefined ? undefined : { url: reportUrl, text: 'Open the report' },
    );
  }
}
