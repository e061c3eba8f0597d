import { getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '../../config/index.js';
import { CronTimer, JobName, previousRun, QueueName, scheduleCronJob } from '../../queue/index.js';
import { reportsSettings, SNAPSHOTS_OFF } from '../reports.settings.js';
import {
  WEEKLY_SNAPSHOT_SCHEDULER_ID,
  type ReportSnapshotJobPayload,
} from './report-snapshot.job.js';
import { ReportSnapshotsService } from './report-snapshots.service.js';
import { loggedFailure } from '../../errors/index.js';

/**
 * Runs the weekly snapshot on REPORT_SNAPSHOT_CRON (default Monday 06:00 UTC). With Redis, a
 * BullMQ job scheduler holds the schedule and a worker runs each job (any number of API and worker
 * processes may register it: the scheduler id makes it one; a run due while no worker was up waits
 * in Redis), one at a time over all workers (the queue's global concurrency is 1). Without Redis, a timer in this process runs the same handler: one process owns the
 * embedded store, so one timer fires; at start it makes up the last run (a no-op when that week's
 * snapshots exist), so a process that was down on Monday still takes them.
 */
@Injectable()
export class SnapshotSchedule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SnapshotSchedule.name);
  private readonly timer = new CronTimer();
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly snapshots: ReportSnapshotsService,
    @Optional() @Inject(getQueueToken(QueueName.Reports)) private readonly queue?: Queue,
  ) {}

  get pattern(): string {
    return reportsSettings(this.config).snapshotCron;
  }

  onApplicationBootstrap(): void {
    // a pattern that is not cron stops the start here, with its reason, in either mode
    const pattern = this.pattern;
    if (this.queue !== undefined) {
      // not awaited: a Redis that is down at start must not hold the API up; BullMQ retries
      void this.registerInRedis(this.queue).catch((error: unknown) =>
        this.logger.error(
          { err: loggedFailure(error) },
          'could not register the weekly snapshot schedule',
        ),
      );
      return;
    }
    if (pattern !== SNAPSHOTS_OFF) {
      const now = new Date();
      void this.run(previousRun(pattern, now));
      this.arm(now);
    }
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.timer.clear();
  }

  private async registerInRedis(queue: Queue): Promise<void> {
    if (this.pattern === SNAPSHOTS_OFF) {
      await queue.removeJobScheduler(WEEKLY_SNAPSHOT_SCHEDULER_ID);
      return;
    }
    // one job at a time over every worker process: a run reads whether the week is taken before
    // taking it, so the scheduler's next job, due while the last still runs (a frequent pattern),
    // taken by another process would take and tell the week again (within a process, runWeekly
    // keeps its runs apart)
    await queue.setGlobalConcurrency(1);
    const data: ReportSnapshotJobPayload = { run: 'weekly' };
    await scheduleCronJob(queue, {
      schedulerId: WEEKLY_SNAPSHOT_SCHEDULER_ID,
      pattern: this.pattern,
      name: JobName.ReportSnapshot,
      data,
      retryDelayMs: 30_000,
      keep: 200,
    });
  }

  /** Sets the timer for the first run after `after`. */
  private arm(after: Date): void {
    if (this.stopped) {
      return;
    }
    this.timer.arm(this.pattern, after, (at) => void this.run(at).finally(() => this.arm(at)));
  }

  /**
   * One run of the weekly handler; failures are logged. A tenant that failed is taken by the next
   * run of the same week: here the make-up run of the next start (there is no retry in this
   * mode), with Redis the job's retry.
   */
  private async run(at: Date): Promise<void> {
    try {
      const run = await this.snapshots.runWeekly(at);
      if (run.created.length > 0) {
        this.logger.log(
          `weekly report snapshots of [${run.from}, ${run.to}) taken: ${run.created.join(', ')}`,
        );
      }
    } catch (error) {
      this.logger.error({ err: loggedFailure(error) }, 'weekly report snapshots failed');
    }
  }
}
