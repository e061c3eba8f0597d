import { Module } from '@nestjs/common';
import { SuppressionResolver } from './suppression.resolver.js';
import { SuppressionService } from './suppression.service.js';

/** Suppression failures (docs/design.md §3): the `suppressionAudit` query. */
@Module({ providers: [SuppressionService, SuppressionResolver], exports: [SuppressionService] })
export class SuppressionModule {}
