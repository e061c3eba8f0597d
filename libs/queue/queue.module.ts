import { BullModule } from '@nestjs/bullmq';
import { Module, type DynamicModule } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/index.js';
import { QueueName } from './queue.constants.js';

/**
 * BullMQ on Redis when REDIS_URL is set; nothing otherwise (the handlers then run inline).
 * The same connection serves producers (the API) and processors (the worker, or the API itself in
 * embedded mode).
 */
@Module({})
export class QueueModule {
  static forRoot(config: AppConfig): DynamicModule {
    const url = config.env.REDIS_URL;
    if (url === undefined) {
      return { module: QueueModule, global: true };
    }
    const queues = Object.values(QueueName).map((name) => BullModule.registerQueue({ name }));
    return {
      module: QueueModule,
      global: true,
      // BullMQ under native ESM takes a constructed client; it duplicates it for blocking reads.
      // maxRetriesPerRequest: null lets workers wait out a Redis restart instead of failing jobs.
      imports: [
        BullModule.forRoot({ connection: new Redis(url, { maxRetriesPerRequest: null }) }),
        ...queues,
      ],
      exports: [BullModule],
    };
  }
}
