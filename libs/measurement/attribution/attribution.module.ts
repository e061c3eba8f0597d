import { Module } from '@nestjs/common';
import { LiftModule } from '../lift/lift.module.js';
import { AttributionService } from './attribution.service.js';

/** The attribution query, beside lift. ClickHouseService comes from the global StorageModule. */
@Module({
  imports: [LiftModule],
  providers: [AttributionService],
  exports: [AttributionService],
})
export class AttributionModule {}
