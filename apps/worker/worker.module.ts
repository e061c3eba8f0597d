import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../libs/config/index.js';
import { IngestModule } from '../../libs/ingest/index.js';
import { NotifyModule } from '../../libs/notify/index.js';
import { processImports } from '../../libs/platform/index.js';
import { ReportsModule } from '../../libs/reports/index.js';

/** The worker: BullMQ processors only, no HTTP. */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ...processImports(config),
        IngestModule.register({ api: false, processors: true }),
        ReportsModule.register({ api: false, processors: true }),
        NotifyModule.register({ api: false, processors: true, schedules: true }),
      ],
    };
  }
}
