import { Injectable } from '@nestjs/common';
import {
  ConsentAuditService,
  DeeperLiftService,
  GuardrailsService,
  LatencyDimension,
  LatencyService,
  Granularity,
  LiftService,
  OverTimeService,
  PressureService,
  SuppressionService,
  toPeriod,
  type TriggerLift,
} from '../measurement/index.js';
import { ClickHouseService } from '../storage/index.js';
import { TriggersService } from '../triggers/index.js';
import { queryRevenueCurrencies } from './currencies.query.js';
import {
  REPORT_MEASURES_VERSION,
  type ReportMeasures,
  type ReportOverTime,
  type ReportTrigger,
} from './report-measures.js';

/** Periods up to this many days get a daily lift-over-time series; longer ones a weekly one. */
export const REPORT_DAILY_DAYS = 62;

/** How many triggers (the live ones with the most treated persons) get a conversion curve. */
export const REPORT_CURVES = 3;

/** The report's confidence level: the API's default, so the report and GraphQL agree. */
export const REPORT_CONFIDENCE = 0.95;

/** The relative lift the report's holdout plans ask about: +10 %. */
export const REPORT_PLAN_MDE = 0.1;

/**
 * Reads the report's figures from the same services that answer GraphQL (liftReport, guardrails,
 * triggerLatency, messagePressure, suppressionAudit, consentAudit, triggers), so a number in the
 * report is the number an analyst gets for the same tenant and period.
 */
@Injectable()
export class ReportMeasuresService {
  constructor(
    private readonly lift: LiftService,
    private readonly guardrails: GuardrailsService,
    private readonly latency: LatencyService,
    private readonly pressure: PressureService,
    private readonly suppression: SuppressionService,
    private readonly consent: ConsentAuditService,
    private readonly triggers: TriggersService,
    private readonly clickhouse: ClickHouseService,
    private readonly overTime: OverTimeService,
    private readonly deeper: DeeperLiftService,
  ) {}

  /** liftOverTime of every live trigger with a lift row, conversionCurve of the top ones. */
  private async overTimeOf(
    tenantId: string,
    from: Date,
    to: Date,
    live: readonly TriggerLift[],
  ): Promise<ReportOverTime> {
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    const granularity = days <= REPORT_DAILY_DAYS ? Granularity.DAY : Granularity.WEEK;
    const top = [...live]
      .sort((a, b) => b.treatment.persons - a.treatment.persons)
      .slice(0, REPORT_CURVES);
    const [lift, curves] = await Promise.all([
      Promise.all(
        live.map(async ({ triggerId }) => ({
          triggerId,
          points: await this.overTime.liftOverTime(tenantId, {
            triggerId,
            from,
            to,
            granularity,
            confidence: REPORT_CONFIDENCE,
          }),
        })),
      ),
      Promise.all(
        top.map(async ({ triggerId }) => ({
          triggerId,
          points: await this.overTime.conversionCurve(tenantId, { triggerId, from, to }),
        })),
      ),
    ]);
    return { lift, curves };
  }

  async collect(tenantId: string, from: Date, to: Date, now = new Date()): Promise<ReportMeasures> {
    // validates the period once, with the API's rules and messages
    const checked = toPeriod(from, to);
    const period = { from, to };
    const [lift, guardrails, latency, pressure, suppression, consent, definitions, currencies] =
      await Promise.all([
        this.lift.report(tenantId, { ...period, confidence: REPORT_CONFIDENCE }),
        this.guardrails.report(tenantId, from, to),
        this.latency.triggerLatency(tenantId, { ...period, groupBy: [LatencyDimension.CHANNEL] }),
        this.pressure.report(tenantId, period),
        this.suppression.audit(tenantId, period),
        this.consent.audit(tenantId, period),
        this.triggers.list(tenantId),
        queryRevenueCurrencies(this.clickhouse, tenantId, checked),
      ]);
    const liveIds = new Set(definitions.filter((t) => t.status === 'live').map((t) => t.triggerId));
    const overTime = await this.overTimeOf(
      tenantId,
      from,
      to,
      lift.filter((row) => liveIds.has(row.triggerId)),
    );
    // a plan for every live trigger that cannot tell yet: too little data or no detectable effect
    const live = new Set(definitions.filter((t) => t.status === 'live').map((t) => t.triggerId));
    const undecided = lift.filter(
      (row) =>
        live.has(row.triggerId) &&
        !row.srm.flagged &&
        (row.verdict.startsWith('too little data') || row.verdict.includes('not significant')),
    );
    const plans = await Promise.all(
      undecided.map((row) =>
        this.deeper.holdoutPlan(tenantId, {
          triggerId: row.triggerId,
          from,
          to,
          relativeMde: REPORT_PLAN_MDE,
        }),
      ),
    );
    const triggers: ReportTrigger[] = definitions.map((t) => ({
      triggerId: t.triggerId,
      name: t.name,
      channel: t.channel,
      status: t.status,
      windowMs: t.windowMs,
      holdoutPct: t.holdoutPct,
    }));
    return {
      version: REPORT_MEASURES_VERSION,
      tenantId,
      from: from.toISOString(),
      to: to.toISOString(),
      generatedAt: now.toISOString(),
      confidence: REPORT_CONFIDENCE,
      currencies,
      triggers,
      lift,
      guardrails,
      latency,
      pressure,
      suppression,
      consent,
      overTime,
      plans,
    };
  }
}
