import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConfigModule, type AppConfig } from '../config/index.js';
import { ObservabilityModule } from '../observability/index.js';
import { ClickHouseService, StorageModule } from '../storage/index.js';
import { IngestModule } from './ingest.module.js';

/**
 * The ingest as the app wires it, without its HTTP API and queue processors, with the modules
 * given beside it, over a store's engine (a temporary store of the storage lib's testing.ts).
 */
export function compileIngestModule(
  store: { config: AppConfig; clickhouse: ClickHouseService },
  ...imports: NonNullable<ModuleMetadata['imports']>
): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(store.config),
      ObservabilityModule,
      StorageModule,
      IngestModule.register({ api: false, processors: false }),
      ...imports,
    ],
  })
    .overrideProvider(ClickHouseService)
    .useValue(store.clickhouse)
    .compile();
}
