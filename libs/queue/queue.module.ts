import { BullModule } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Redis } from 'ioredis';
import type { AppConfig } from '../config/index.js';
import { messageOf } from '../errors/index.js';
import { QueueName } from './queue.constants.js';
import { redisDurabilityWarnings } from './redis-durability.js';

/** The Redis connection BullMQ was given, when REDIS_URL is set. */
export const REDIS_CONNECTION = Symbol('REDIS_CONNECTION');

/**
 * Closes the connection BullMQ was given once the queues and workers have closed: BullMQ closes
 * the connections it made, not one it was handed, which would otherwise keep a process whose
 * application closed (an API served in a test's process) from exiting.
 */
@Injectable()
class RedisConnectionCloser implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnectionCloser.name);

  constructor(@Inject(REDIS_CONNECTION) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    try {
      await this.redis.quit();
    } catch (error) {
      this.logger.warn(`closing the Redis connection: ${messageOf(error)}`);
      this.redis.disconnect();
    }
  }
}

/**
 * Says at start-up, as a warning, each setting under which Redis may lose the batches it was
 * trusted with (redisDurabilityWarnings). Not awaited: a Redis down at start-up delays the check,
 * not the start; a Redis that keeps nothing is warned of, not refused.
 */
@Injectable()
class RedisDurabilityCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(RedisDurabilityCheck.name);

  constructor(@Inject(REDIS_CONNECTION) private readonly redis: Redis) {}

  onApplicationBootstrap(): void {
    void redisDurabilityWarnings(this.redis).then((warnings) => {
      for (const warning of warnings) {
        this.logger.warn(warning);
      }
    });
  }
}

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
    // BullMQ under native ESM takes a constructed client; it duplicates it for blocking reads.
    // maxRetriesPerRequest: null lets workers wait out a Redis restart instead of failing jobs.
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    return {
      module: QueueModule,
      global: true,
      imports: [BullModule.forRoot({ connection }), ...queues],
      providers: [
        { provide: REDIS_CONNECTION, useValue: connection },
        RedisConnectionCloser,
        RedisDurabilityCheck,
      ],
      exports: [BullModule, REDIS_CONNECTION],
    };
  }
}
