import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { AppConfig } from '../config/index.js';
import { PreparePool, validationThreads } from './prepare-pool.js';

/** The process's ingest validation threads (INGEST_WORKERS), or none. */
@Injectable()
export class IngestThreads implements OnApplicationShutdown {
  readonly pool: PreparePool | undefined;

  constructor(config: AppConfig) {
    const size = validationThreads(config.env.INGEST_WORKERS, availableParallelism());
    this.pool = size === 0 ? undefined : new PreparePool(size);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }
}
