import type { DynamicModule, Type } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule, type AppConfig } from '../config/index.js';
import { ObservabilityModule } from '../observability/index.js';
import { QueueModule } from '../queue/index.js';
import { StorageModule } from '../storage/index.js';
import { loggerParams } from './logger.js';

/**
 * What every Causeway process stands on, the API and the worker alike: validated configuration,
 * JSON logs, metrics, the store and (when REDIS_URL is set) the queue.
 */
export function processImports(config: AppConfig): (DynamicModule | Type)[] {
  return [
    ConfigModule.forRoot(config),
    LoggerModule.forRoot(loggerParams(config)),
    ObservabilityModule,
    StorageModule,
    QueueModule.forRoot(config),
  ];
}
