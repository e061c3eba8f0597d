import { Injectable } from '@nestjs/common';
import type { SnapshotSummary } from './report-snapshots.repository.js';
import { messageOf } from '../../errors/index.js';

type Listener = (snapshot: SnapshotSummary) => Promise<void>;

/**
 * Tells whoever listens (webhooks' `snapshot.created`) that a snapshot was stored, without the
 * reports context knowing who: listeners register at start. Every listener is told; if any fails,
 * `created` throws afterwards (the snapshot stays stored), so that its caller can tell them again
 * later: the snapshot service records an announcement only once every listener took it.
 */
@Injectable()
export class SnapshotCreatedHook {
  private readonly listeners: Listener[] = [];

  subscribe(listener: Listener): void {
    this.listeners.push(listener);
  }

  async created(snapshot: SnapshotSummary): Promise<void> {
    const failures: string[] = [];
    for (const listener of this.listeners) {
      try {
        await listener(snapshot);
      } catch (error) {
        failures.push(messageOf(error));
      }
    }
    if (failures.length > 0) {
      throw new Error(
        `snapshot ${snapshot.snapshotId} is stored, but not announced: ${failures.join('; ')}`,
      );
    }
  }
}
