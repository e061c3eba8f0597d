import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, type AppConfig } from '../../libs/config/index.js';
import { IngestModule } from '../../libs/ingest/index.js';
import { ObservabilityModule } from '../../libs/observability/index.js';
import { loggerParams } from '../../libs/platform/index.js';
import { QueueModule } from '../../libs/queue/index.js';
import { ReportsModule } from '../../libs/reports/index.js';
import { StorageModule } from '../../libs/storage/index.js';

/** The worker: BullMQ processors only, no HTTP. */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config)),
        ObservabilityModule,
        StorageModule,
        QueueModule.forRoot(config),
        IngestModule.register({ api: false, processors: true }),
        ReportsModule.register({ api: false, processors: true }),
      ],
    };
  }
}
