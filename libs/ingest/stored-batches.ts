import { Injectable, Module } from '@nestjs/common';
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
  private readonly listeners = new Set<(batch: StoredBatch) => void>();

  /** Calls `listener` after every batch this process writes; returns the unsubscribe. */
  subscribe(listener: (batch: StoredBatch) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(batch: StoredBatch): void {
    for (const listener of this.listeners) {
      listener(batch);
    }
  }
}

/** The process's one {@link StoredBatches}, for the ingest writer and the modules that listen. */
@Module({ providers: [StoredBatches], exports: [StoredBatches] })
export class StoredBatchesModule {}
