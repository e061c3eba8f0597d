import { Module } from '@nestjs/common';
import { GuardrailsModule, LiftModule } from '../measurement/index.js';
import { TriggersModule } from '../triggers/index.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';

/** BI access: the curated datasets as CSV, Parquet or NDJSON files (GET /v1/export/{dataset}). */
@Module({
  imports: [LiftModule, GuardrailsModule, TriggersModule],
  controllers: [ExportsController],
  providers: [ExportsService],
  exports: [ExportsService],
})
export class BiModule {}
