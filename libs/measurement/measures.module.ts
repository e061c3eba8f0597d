import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/index.js';
import { KnownTriggers } from './common/known-trigger.js';
import { AttributionModule } from './attribution/attribution.module.js';
import { ConsentAuditModule } from './consent/consent-audit.module.js';
import { FreshnessModule } from './freshness/freshness.module.js';
import { GuardrailsModule } from './guardrails/guardrails.module.js';
import { LatencyModule } from './latency/latency.module.js';
import { LiftModule } from './lift/lift.module.js';
import { MaturityModule } from './maturity/maturity.module.js';
import { MeasuresResolver } from './measures.resolver.js';
import { OutcomeTypesModule } from './outcome-types/outcome-types.module.js';
import { OverTimeModule } from './over-time/over-time.module.js';
import { PressureModule } from './pressure/pressure.module.js';
import { SuppressionModule } from './suppression/suppression.module.js';
import { TimelineModule } from './timeline/timeline.module.js';

/** The measure queries of the GraphQL API, over the modules of the measures that answer them. */
@Module({
  imports: [
    LiftModule,
    GuardrailsModule,
    PressureModule,
    SuppressionModule,
    ConsentAuditModule,
    LatencyModule,
    FreshnessModule,
    AttributionModule,
    MaturityModule,
    TimelineModule,
    OverTimeModule,
    OutcomeTypesModule,
    TriggersModule,
  ],
  providers: [MeasuresResolver, KnownTriggers],
})
export class MeasuresModule {}
