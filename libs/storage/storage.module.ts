import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/index.js';
import { ClickHouseService } from './clickhouse.service.js';
import { DataVersions, dataVersionsFor } from './data-versions.js';

@Global()
@Module({
  providers: [
    ClickHouseService,
    {
      provide: DataVersions,
      useFactory: (config: AppConfig, clickhouse: ClickHouseService) =>
        dataVersionsFor(config, clickhouse),
      inject: [AppConfig, ClickHouseService],
    },
  ],
  exports: [ClickHouseService, DataVersions],
})
export class StorageModule {}
