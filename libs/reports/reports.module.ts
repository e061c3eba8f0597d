import { Module, type DynamicModule } from '@nestjs/common';
import {
  ConsentAuditModule,
  GuardrailsModule,
  LatencyModule,
  LiftModule,
  PressureModule,
  SuppressionModule,
} from '../measurement/index.js';
import { TriggersModule } from '../triggers/index.js';
import { LiftReportService } from './lift-report.service.js';
import { PdfRenderer } from './pdf/pdf-renderer.js';
import { ReportMeasuresService } from './report-measures.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportSnapshotProcessor } from './snapshots/report-snapshot.processor.js';
import { ReportSnapshotsRepository } from './snapshots/report-snapshots.repository.js';
import { ReportSnapshotsResolver } from './snapshots/report-snapshots.resolver.js';
import { ReportSnapshotsService } from './snapshots/report-snapshots.service.js';
import { SnapshotCreatedHook } from './snapshots/snapshot-created.hook.js';
import { SnapshotSchedule } from './snapshots/snapshot-schedule.js';

const registered = new Map<string, DynamicModule>();

/**
 * The leadership lift report and its snapshots. `api` adds the report routes and the GraphQL
 * fields; `processors` adds the BullMQ processor of the weekly snapshot job (the worker app, or
 * the API itself when it owns an embedded store). Every process that registers the module keeps
 * the weekly schedule: in Redis when REDIS_URL is set, else as a timer in the process.
 */
@Module({})
export class ReportsModule {
  static register(options: { api: boolean; processors: boolean }): DynamicModule {
    // the same options give the same module object, so that a context importing the reports
    // (notify) shares the app's one instance: one schedule, one snapshot hook
    const key = `${options.api}:${options.processors}`;
    const existing = registered.get(key);
    if (existing !== undefined) {
      return existing;
    }
    const module: DynamicModule = {
      module: ReportsModule,
      imports: [
        LiftModule,
        GuardrailsModule,
        LatencyModule,
        PressureModule,
        SuppressionModule,
        ConsentAuditModule,
        TriggersModule,
      ],
      controllers: options.api ? [ReportsController] : [],
      providers: [
        ReportMeasuresService,
        ReportSnapshotsRepository,
        ReportSnapshotsService,
        SnapshotSchedule,
        PdfRenderer,
        LiftReportService,
        SnapshotCreatedHook,
        ...(options.api ? [ReportSnapshotsResolver] : []),
        ...(options.processors ? [ReportSnapshotProcessor] : []),
      ],
      exports: [
        ReportMeasuresService,
        ReportSnapshotsService,
        LiftReportService,
        PdfRenderer,
        SnapshotCreatedHook,
      ],
    };
    registered.set(key, module);
    return module;
  }
}
