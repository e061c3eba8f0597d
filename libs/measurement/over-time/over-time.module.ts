import { Module } from '@nestjs/common';
import { OverTimeResolver } from './over-time.resolver.js';
import { OverTimeService } from './over-time.service.js';
import { TrendFacts } from './trend-facts.js';
import { TrendFactsRefresher } from './trend-facts.refresher.js';

@Module({
  providers: [OverTimeService, OverTimeResolver, TrendFacts, TrendFactsRefresher],
  exports: [OverTimeService, TrendFacts],
})
export class OverTimeModule {}
