import { Module } from '@nestjs/common';
import { TriggersModule } from '../../triggers/index.js';
import { OverTimeResolver } from './over-time.resolver.js';
import { OverTimeService } from './over-time.service.js';
import { TrendFacts } from './trend-facts.js';
import { TrendFactsRefresher } from './trend-facts.refresher.js';

@Module({
  imports: [TriggersModule],
  providers: [OverTimeService, OverTimeResolver, TrendFacts, TrendFactsRefresher],
  exports: [OverTimeService, TrendFacts],
})
export class OverTimeModule {}
