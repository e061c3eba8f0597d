import { Injectable, Module } from '@nestjs/common';
import { Listeners } from '../storage/index.js';
import type { StreamName } from './core.js';

/** A batch of one tenant's stream that this process has just written. */
export interface StoredBatch {
  tenantId: string;
  stream: StreamName;
}

/**
 * Tells the parts of this process that keep stored rows in memory (the trigger definitions) that a
 * batch was written, so they can forget what it changed. Listeners run synchronously after the
 * write and must not throw.
 */
@Injectable()
export class StoredBatches {
  private readonly listeners = new Listeners<StoredBatch>();

  /** Calls `listener` after every batch this process writes; returns the unsubscribe. */
  subscribe(listener: (batch: StoredBatch) => void): () => void {
    return this.listeners.add(listener);
  }

  notify(batch: StoredBatch): void {
    this.listeners.call(batch);
  }
}

/** The process's one {@link StoredBatches}, for the ingest writer and the modules that listen. */
@Module({ providers: [StoredBatches], exports: [StoredBatches] })
export class StoredBatchesModule {}
