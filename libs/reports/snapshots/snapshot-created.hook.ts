import { Injectable } from '@nestjs/common';
import type { SnapshotSummary } from './report-snapshots.repository.js';

type Listener = (snapshot: SnapshotSummary) => Promise<void>;

/**
 * A stored snapshot some listener was not told of. Its cause is the first listener's failure; its
 * message names the snapshot and how many failed, not theirs, which a log or a job's failed reason
 * would keep (a store's refusal quotes the row it refused).
 */
export class SnapshotNotAnnounced extends Error {
  override readonly name = 'SnapshotNotAnnounced';
}

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
    const failures: unknown[] = [];
    for (const listener of this.listeners) {
      try {
        await listener(snapshot);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new SnapshotNotAnnounced(
        `snapshot ${snapshot.snapshotId} is stored, but ${failures.length} of ${this.listeners.length} listeners were not told`,
        { cause: failures[0] },
      );
    }
  }
}
