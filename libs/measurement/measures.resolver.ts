import { Args, Resolver } from '@nestjs/graphql';
import { CurrentTenant } from '../auth/index.js';
import { AttributionService } from './attribution/attribution.service.js';
import { AttributionArgs } from './attribution/dto/attribution.args.js';
import { TriggerAttribution } from './attribution/models/trigger-attribution.model.js';
import { KnownTriggers } from './common/known-trigger.js';
import { MeasureQuery } from './common/measure-query.js';
import { ConsentAuditService } from './consent/consent-audit.service.js';
import { ConsentAuditArgs } from './consent/dto/consent-audit.args.js';
import { ConsentAudit } from './consent/models/consent-audit.model.js';
import { SignalFreshnessArgs } from './freshness/dto/signal-freshness.args.js';
import { FreshnessService } from './freshness/freshness.service.js';
import { FreshnessStats } from './freshness/models/freshness-stats.model.js';
import { GuardrailsService } from './guardrails/guardrails.service.js';
import { GuardrailLift } from './guardrails/models/guardrail-lift.model.js';
import { TriggerLatencyArgs } from './latency/dto/trigger-latency.args.js';
import { LatencyService } from './latency/latency.service.js';
import { LatencyStats } from './latency/models/latency-stats.model.js';
import { DeeperLiftService } from './lift/deeper.service.js';
import { HoldoutPlanArgs, InteractionsArgs, SegmentsArgs } from './lift/dto/deeper.args.js';
import { LiftArgs, LiftDimension, TriggerPeriodArgs } from './lift/dto/lift.args.js';
import { LiftService } from './lift/lift.service.js';
import { HoldoutPlan, TriggerInteraction } from './lift/models/deeper.model.js';
import { TriggerLift } from './lift/models/lift.model.js';
import { SegmentedLift } from './lift/models/segments.model.js';
import { MaturityArgs } from './maturity/dto/maturity.args.js';
import { MaturityService } from './maturity/maturity.service.js';
import { MaturityAssessment } from './maturity/models/maturity-assessment.model.js';
import {
  ConversionCurveArgs,
  LiftOverTimeArgs,
  TriggerTrendArgs,
} from './over-time/dto/over-time.args.js';
import { CurvePoint } from './over-time/models/curve-point.model.js';
import { LiftPoint } from './over-time/models/lift-point.model.js';
import { TrendPoint } from './over-time/models/trend-point.model.js';
import { OverTimeService } from './over-time/over-time.service.js';
import { PressureArgs } from './pressure/dto/pressure.args.js';
import { PressureReport } from './pressure/models/pressure.model.js';
import { PressureService } from './pressure/pressure.service.js';
import { SuppressionArgs } from './suppression/dto/suppression.args.js';
import { SuppressionSummary } from './suppression/models/suppression.model.js';
import { SuppressionService } from './suppression/suppression.service.js';
import { PersonTimelineArgs } from './timeline/dto/person-timeline.args.js';
import { TimelineEntry } from './timeline/models/timeline-entry.model.js';
import { TimelineService } from './timeline/timeline.service.js';

/**
 * The measures (docs/design.md §3): each a read-only query of the tenant's rows and its arguments,
 * answered by the service of its measure.
 */
@Resolver()
export class MeasuresResolver {
  constructor(
    private readonly lift: LiftService,
    private readonly deeper: DeeperLiftService,
    private readonly overTime: OverTimeService,
    private readonly guardrailsService: GuardrailsService,
    private readonly attributionService: AttributionService,
    private readonly consent: ConsentAuditService,
    private readonly pressure: PressureService,
    private readonly suppression: SuppressionService,
    private readonly latency: LatencyService,
    private readonly freshness: FreshnessService,
    private readonly maturityService: MaturityService,
    private readonly timeline: TimelineService,
    private readonly knownTriggers: KnownTriggers,
  ) {}

  @MeasureQuery(() => [TriggerLift], {
    description:
      'Holdout lift per trigger over [from, to): persons, conversions and revenue per arm, lift with intervals, incremental conversions and revenue, SRM, contamination and a verdict in words.',
  })
  async liftReport(
    @CurrentTenant() tenantId: string,
    @Args() args: LiftArgs,
  ): Promise<TriggerLift[]> {
    await this.knownTriggers.refuseUnknown(tenantId, args.triggerIds);
    const { groupBy, ...request } = args;
    return this.lift.report(tenantId, {
      ...request,
      groupByVariant: groupBy?.includes(LiftDimension.VARIANT) ?? false,
    });
  }

  @MeasureQuery(() => SegmentedLift, {
    description:
      "A trigger's holdout lift per segment (the value on each person's assignment firing), with Benjamini–Hochberg q-values and Cochran's Q heterogeneity test.",
  })
  liftSegments(
    @CurrentTenant() tenantId: string,
    @Args() args: SegmentsArgs,
  ): Promise<SegmentedLift> {
    return this.deeper.segments(tenantId, args);
  }

  @MeasureQuery(() => HoldoutPlan, {
    description:
      "What a trigger's holdout can detect now, the days to detect relativeMde, and the holdout share that would within 28 days.",
  })
  holdoutPlan(
    @CurrentTenant() tenantId: string,
    @Args() args: HoldoutPlanArgs,
  ): Promise<HoldoutPlan> {
    return this.deeper.holdoutPlan(tenantId, args);
  }

  @MeasureQuery(() => [TriggerInteraction], {
    description:
      'For each ordered pair of triggers with at least 100 persons assigned to both: the 2×2 of arms, the interaction of their lifts and a test that the holdouts were drawn independently.',
  })
  triggerInteractions(
    @CurrentTenant() tenantId: string,
    @Args() args: InteractionsArgs,
  ): Promise<TriggerInteraction[]> {
    return this.deeper.interactions(tenantId, args);
  }

  @MeasureQuery(() => [LiftPoint], {
    description:
      "A trigger's holdout lift as it read at the end of each step since from (assignments in [from, asOf), conversions before asOf), with the verdict at each point.",
  })
  liftOverTime(
    @CurrentTenant() tenantId: string,
    @Args() args: LiftOverTimeArgs,
  ): Promise<LiftPoint[]> {
    return this.overTime.liftOverTime(tenantId, args);
  }

  @MeasureQuery(() => [CurvePoint], {
    description:
      "Each arm's conversion rate by time since the first firing, over the persons observed that long, with the lift at each step; the last step is the conversion window.",
    defaultsToNow: ['horizon'],
  })
  conversionCurve(
    @CurrentTenant() tenantId: string,
    @Args() args: ConversionCurveArgs,
  ): Promise<CurvePoint[]> {
    return this.overTime.conversionCurve(tenantId, args);
  }

  @MeasureQuery(() => [TrendPoint], {
    description:
      'Per bucket of decided_at and trigger: sent firings, within-window share, median latency, overwhelm rate, converted-then-targeted and non-compliant sends.',
  })
  async triggerTrend(
    @CurrentTenant() tenantId: string,
    @Args() args: TriggerTrendArgs,
  ): Promise<TrendPoint[]> {
    await this.knownTriggers.refuseUnknown(tenantId, args.triggerIds);
    return this.overTime.triggerTrend(tenantId, args);
  }

  @MeasureQuery(() => [GuardrailLift], {
    description:
      'Harm side per trigger: overwhelm and regret rates by arm, with lift and intervals.',
  })
  async guardrails(
    @CurrentTenant() tenantId: string,
    @Args() args: TriggerPeriodArgs,
  ): Promise<GuardrailLift[]> {
    await this.knownTriggers.refuseUnknown(tenantId, args.triggerIds);
    return this.guardrailsService.report(tenantId, args.from, args.to, args.triggerIds ?? []);
  }

  @MeasureQuery(() => [TriggerAttribution], {
    description:
      'Success outcomes credited per trigger by LAST_TOUCH, FIRST_TOUCH, LINEAR or TIME_DECAY attribution over the sent treatment firings decided in [from, to), each beside the holdout-based incremental conversions, so the gap between touched and caused shows (READ scope). A contrast to lift, never a replacement.',
  })
  attribution(
    @CurrentTenant() tenantId: string,
    @Args() args: AttributionArgs,
  ): Promise<TriggerAttribution[]> {
    return this.attributionService.attribution(tenantId, args);
  }

  @MeasureQuery(() => ConsentAudit, {
    description:
      'Consent audit over [from, to): sent treatment firings of triggers with a consent purpose whose person had not granted it at decision time, per trigger, the consent sync lag of those that followed a revocation, and per source how late consent events were recorded.',
  })
  consentAudit(
    @CurrentTenant() tenantId: string,
    @Args() args: ConsentAuditArgs,
  ): Promise<ConsentAudit> {
    return this.consent.audit(tenantId, args);
  }

  @MeasureQuery(() => PressureReport, {
    description:
      "Message pressure over the sent treatment firings decided in [from, to): how many sent firings each person had in the 24 h and 7 days before each one, its distribution, the share above the trigger's cap, and the dose-response curve (overwhelm within 7 days by pressure bucket).",
  })
  messagePressure(
    @CurrentTenant() tenantId: string,
    @Args() args: PressureArgs,
  ): Promise<PressureReport> {
    return this.pressure.report(tenantId, args);
  }

  @MeasureQuery(() => [SuppressionSummary], {
    description:
      'Suppression failures per trigger over the sent treatment firings decided in [from, to): converted-then-targeted, converted in flight and frequency-cap breaches.',
  })
  async suppressionAudit(
    @CurrentTenant() tenantId: string,
    @Args() args: SuppressionArgs,
  ): Promise<SuppressionSummary[]> {
    await this.knownTriggers.refuseUnknown(tenantId, args.triggerIds);
    return this.suppression.audit(tenantId, args);
  }

  @MeasureQuery(() => [LatencyStats], {
    description:
      'Signal-to-action latency per trigger (and channel, day) against its relevance window, over the sent treatment firings decided in [from, to) (READ scope).',
  })
  async triggerLatency(
    @CurrentTenant() tenantId: string,
    @Args() args: TriggerLatencyArgs,
  ): Promise<LatencyStats[]> {
    await this.knownTriggers.refuseUnknown(tenantId, args.triggerIds);
    return this.latency.triggerLatency(tenantId, args);
  }

  @MeasureQuery(() => [FreshnessStats], {
    description:
      'Ingest lag (and model-input age for predictive signals) per signal type and source over the signals that occurred in [from, to), flagged stale where it exceeds the windows of the triggers the type arms (READ scope).',
  })
  signalFreshness(
    @CurrentTenant() tenantId: string,
    @Args() { from, to }: SignalFreshnessArgs,
  ): Promise<FreshnessStats[]> {
    return this.freshness.signalFreshness(tenantId, from, to);
  }

  @MeasureQuery(() => MaturityAssessment, {
    description:
      "The program's maturity stage (1-4) over [from, to) from measured evidence, each piece with its value, threshold, pass or fail and a one-line explanation, and the next steps in plain words (READ scope).",
  })
  maturity(
    @CurrentTenant() tenantId: string,
    @Args() { from, to }: MaturityArgs,
  ): Promise<MaturityAssessment> {
    return this.maturityService.assess(tenantId, from, to);
  }

  @MeasureQuery(() => [TimelineEntry], {
    description:
      "One person's signals, firings (arm, skip reason, latency and consent state at the decision), exposures, outcomes and consent changes in [from, to), in time order (READ scope): the page an analyst opens when a customer complains.",
  })
  personTimeline(
    @CurrentTenant() tenantId: string,
    @Args() args: PersonTimelineArgs,
  ): Promise<TimelineEntry[]> {
    return this.timeline.personTimeline(tenantId, args);
  }
}
