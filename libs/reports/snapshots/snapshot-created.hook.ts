import { Injectable, Logger } from '@nestjs/common';
import type { SnapshotSummary } from './report-snapshots.repository.js';
import { messageOf } from '../../errors/index.js';

type Listener = (snapshot: SnapshotSummary) => Promise<void>;

/**
 * Tells whoever listens (webhooks' `snapshot.created`) that a snapshot was stored, without the
 * reports context knowing who: listeners register at start. A listener's failure is logged and
 * never undoes or fails the snapshot.
 */
@Injectable()
export class SnapshotCreatedHook {
  private readonly logger = new Logger(SnapshotCreatedHook.name);
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async created(snapshot: SnapshotSummary): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(snapshot);
      } catch (error) {
        this.logger.error(
          `a listener of snapshot ${snapshot.snapshotId} failed: ${messageOf(error)}`,
        );
      }
    }
  }
}
