import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { JobName, QueueName } from '../../queue/index.js';
import type { ReportSnapshotJobPayload } from './report-snapshot.job.js';
import { ReportSnapshotsService, type WeeklySnapshotRun } from './report-snapshots.service.js';

/**
 * Runs the weekly snapshot job from Redis. The week is the last full one before the time the
 * scheduler planned the run for (prevMillis), so a late or retried run still reports that week.
 */
@Processor(QueueName.Reports, { concurrency: 1 })
export class ReportSnapshotProcessor extends WorkerHost {
  constructor(private readonly snapshots: ReportSnapshotsService) {
    super();
  }

  async process(
    job: Job<ReportSnapshotJobPayload, WeeklySnapshotRun, string>,
  ): Promise<WeeklySnapshotRun> {
    if (job.name !== (JobName.ReportSnapshot as string) || job.data.run !== 'weekly') {
      throw new UnrecoverableError(`unknown reports job ${job.name} (${JSON.stringify(job.data)})`);
    }
    const plannedFor = job.opts.prevMillis ?? job.timestamp + job.delay;
    const run = await this.snapshots.runWeekly(new Date(plannedFor));
    if (run.failed.length > 0) {
      // the job fails after every other tenant's snapshot is taken, so that BullMQ retries it;
      // the retry finds those snapshots by their ids (the week's) and takes only the failed ones
      const tenants = run.failed.map((f) => `${f.tenantId} (${f.error})`).join('; ');
      throw new Error(
        `weekly report snapshots of [${run.from}, ${run.to}) failed for ${run.failed.length} tenant(s): ${tenants}`,
      );
    }
    return run;
  }
}
