import { Module } from '@nestjs/common';
import { TriggersModule } from '../../triggers/index.js';
import { ConsentAuditModule } from '../consent/consent-audit.module.js';
import { FreshnessModule } from '../freshness/freshness.module.js';
import { LiftModule } from '../lift/lift.module.js';
import { SuppressionModule } from '../suppression/suppression.module.js';
import { MaturityService } from './maturity.service.js';

/** The maturity query, over the measures it takes its evidence from. */
@Module({
  imports: [TriggersModule, LiftModule, SuppressionModule, ConsentAuditModule, FreshnessModule],
  providers: [MaturityService],
  exports: [MaturityService],
})
export class MaturityModule {}
