import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
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
  type RevenueCapRequest,
  type SegmentDimensionName,
  type TriggerLift,
} from '../measurement/index.js';
import { ClickHouseService } from '../storage/index.js';
import { TriggersService } from '../triggers/index.js';
import { queryRevenueCurrencies } from './currencies.query.js';
import {
  overTimeStep,
  REPORT_MEASURES_VERSION,
  type ReportMeasures,
  type ReportOverTime,
  type ReportSegments,
  type ReportTrigger,
} from './report-measures.js';
import { reportsSettings, type ReportsSettings } from './reports.settings.js';

/** How many triggers (the live ones with the most treated persons) get a conversion curve. */
export const REPORT_CURVES = 3;

/** The report's confidence level: the API's default, so the report and GraphQL agree. */
export const REPORT_CONFIDENCE = 0.95;

/** The relative lift the report's holdout plans ask about: +10 %. */
export const REPORT_PLAN_MDE = 0.1;

/** How many property names (the most used on the live triggers' firings) the report segments by. */
export const REPORT_SEGMENT_PROPERTIES = 5;

/** What a report request may choose; the rest is the deployment's settings. */
export interface ReportOptions {
  /** The revenue cap; undefined: REPORT_REVENUE_CAP; null: none. */
  revenueCap?: RevenueCapRequest | null;
}

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
    config: AppConfig,
  ) {
    this.settings = reportsSettings(config);
  }

  private readonly settings: ReportsSettings;

  /**
   * liftSegments of every live trigger by channel, by surface and by each of the property names
   * most used on their firings (one statement per dimension for all of them); the answers with a
   * heterogeneity test are counted, the flagged ones kept.
   */
  private async segmentsOf(
    tenantId: string,
    from: Date,
    to: Date,
    triggerIds: string[],
  ): Promise<ReportSegments> {
    if (triggerIds.length === 0) {
      return { dimensions: [], tested: 0, flagged: [] };
    }
    const properties = await this.deeper.firingPropertyKeys(tenantId, {
      from,
      to,
      triggerIds,
      limit: REPORT_SEGMENT_PROPERTIES,
    });
    const dimensions: { by: SegmentDimensionName; property?: string }[] = [
      { by: 'channel' },
      { by: 'surface' },
      ...properties.map(({ property }) => ({ by: 'property' as const, property })),
    ];
    const answers = (
      await Promise.all(
        dimensions.map((dimension) =>
          this.deeper.segmentsOfTriggers(tenantId, {
            ...dimension,
            triggerIds,
            from,
            to,
            confidence: REPORT_CONFIDENCE,
          }),
        ),
      )
    ).flat();
    const tested = answers.filter((a) => a.heterogeneity !== null);
    return {
      dimensions: dimensions.map((d) => (d.by === 'property' ? `property:${d.property}` : d.by)),
      tested: tested.length,
      flagged: tested.filter((a) => a.heterogeneity?.flagged === true),
    };
  }

  /** liftOverTime of every live trigger with a lift row, conversionCurve of the top ones. */
  private async overTimeOf(
    tenantId: string,
    from: Date,
    to: Date,
    live: readonly TriggerLift[],
  ): Promise<ReportOverTime> {
    const granularity = overTimeStep(from, to) === 'day' ? Granularity.DAY : Granularity.WEEK;
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

  async collect(
    tenantId: string,
    from: Date,
    to: Date,
    now = new Date(),
    options: ReportOptions = {},
  ): Promise<ReportMeasures> {
    // validates the period once, with the API's rules and messages
    const checked = toPeriod(from, to);
    const period = { from, to };
    const revenueCap =
      options.revenueCap === undefined ? this.settings.revenueCap : options.revenueCap;
    const [lift, guardrails, latency, pressure, suppression, consent, definitions, currencies] =
      await Promise.all([
        this.lift.report(tenantId, { ...period, confidence: REPORT_CONFIDENCE, revenueCap }),
        this.guardrails.report(tenantId, from, to),
        this.latency.triggerLatency(tenantId, { ...period, groupBy: [LatencyDimension.CHANNEL] }),
        this.pressure.report(tenantId, period),
        this.suppression.audit(tenantId, period),
        this.consent.audit(tenantId, period),
        this.triggers.list(tenantId),
        queryRevenueCurrencies(this.clickhouse, tenantId, checked),
      ]);
    const liveIds = new Set(definitions.filter((t) => t.status === 'live').map((t) => t.triggerId));
    const liveLift = lift.filter((row) => liveIds.has(row.triggerId));
    const [overTime, segments] = await Promise.all([
      this.overTimeOf(tenantId, from, to, liveLift),
      this.segmentsOf(
        tenantId,
        from,
        to,
        liveLift.map((row) => row.triggerId),
      ),
    ]);
    // a plan for every live trigger that cannot tell yet: too little data or no detectable effect
    const undecided = lift.filter(
      (row) =>
        liveIds.has(row.triggerId) &&
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
      revenueCap,
      segments,
    };
  }
}
