import { Module } from '@nestjs/common';
import { OverTimeModule } from '../over-time/over-time.module.js';
import { SuppressionService } from './suppression.service.js';

/**
 * Suppression failures (docs/design.md §3): the `suppressionAudit` query; the trend facts it reads
 * when current, from OverTimeModule.
 */
@Module({
  imports: [OverTimeModule],
  providers: [SuppressionService],
  exports: [SuppressionService],
})
export class SuppressionModule {}
