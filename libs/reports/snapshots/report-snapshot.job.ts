/** The payload of JobName.ReportSnapshot: the weekly run (the only kind of job so far). */
export interface ReportSnapshotJobPayload {
  run: 'weekly';
}

/** The job scheduler's id in Redis: one weekly schedule per deployment. */
export const WEEKLY_SNAPSHOT_SCHEDULER_ID = 'weekly-report-snapshots';
