import { Module } from '@nestjs/common';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';

/** BI access: the curated datasets as CSV, Parquet or NDJSON files (GET /v1/export/{dataset}). */
@Module({
  controllers: [ExportsController],
  providers: [ExportsService],
  exports: [ExportsService],
})
export class BiModule {}
