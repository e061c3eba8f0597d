import { Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { failureName, loggedFailure, pageProblem, periodProblem } from '../../errors/index.js';
import { toPeriod } from '../../measurement/index.js';
import { renderLiftReport } from '../render/render-report.js';
import { ReportMeasuresService, type ReportOptions } from '../report-measures.service.js';
import { ReportsErrorCode, ReportsException } from '../reports.exception.js';
import { lastFullWeek } from './last-full-week.js';
import { SnapshotCreatedHook } from './snapshot-created.hook.js';
import {
  ReportSnapshotsRepository,
  SnapshotKind,
  type SnapshotSummary,
  type StoredSnapshot,
} from './report-snapshots.repository.js';

/** What one run of the weekly job did. */
export interface WeeklySnapshotRun {
  from: string;
  to: string;
  /** Snapshots taken by this run. */
  created: string[];
  /** Snapshots of the same week that already existed (a retry or a second run): left as they are. */
  existing: string[];
  /**
   * On-demand snapshots taken earlier whose snapshot.created could not be queued when they were
   * taken: told by this run.
   */
  announcedLate: string[];
  /**
   * Tenants whose snapshot this run could not take, and why: the failure's type and codes
   * (failureName), never its message, since the job's failed reason keeps it (logged as they fail).
   */
  failed: { tenantId: string; error: string }[];
}

/**
 * How old an on-demand snapshot must be before a weekly run tells its snapshot.created for it: one
 * younger may still be announcing itself, and would be told twice.
 */
export const LATE_ANNOUNCEMENT_AGE_MS = 15 * 60 * 1000;

/** Most snapshots one list answers. */
export const MAX_SNAPSHOTS_LISTED = 500;

/**
 * The id of a tenant's weekly snapshot: the same for every run over the same week, so a retried
 * or repeated job finds the snapshot taken and leaves it unchanged.
 */
export function weeklySnapshotId(tenantId: string, weekStart: Date): string {
  const day = weekStart.toISOString().slice(0, 10);
  const tenant = createHash('sha256').update(tenantId).digest('hex').slice(0, 10);
  return `weekly-${day}-${tenant}`;
}

/**
 * Report snapshots: the lift report of a tenant and period rendered once and stored with the
 * measures it shows, immutable. The same use case serves the GraphQL mutation, the BullMQ job and
 * the in-process schedule.
 */
@Injectable()
export class ReportSnapshotsService {
  private readonly logger = new Logger(ReportSnapshotsService.name);
  /** The weekly run in progress, if any: the next waits for it (see runWeekly). */
  private weeklyRuns: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repository: ReportSnapshotsRepository,
    private readonly measures: ReportMeasuresService,
    private readonly hook: SnapshotCreatedHook,
  ) {}

  /**
   * Takes a snapshot of the tenant's report over [from, to) now; its revenue cap is the options'
   * when given, else REPORT_REVENUE_CAP's (as the weekly snapshots).
   */
  async create(
    tenantId: string,
    from: Date,
    to: Date,
    options: ReportOptions = {},
  ): Promise<StoredSnapshot> {
    const id = `rs_${randomBytes(12).toString('hex')}`;
    const snapshot = await this.take(tenantId, from, to, SnapshotKind.ON_DEMAND, id, options);
    try {
      await this.announce(snapshot);
    } catch (error) {
      // the snapshot is stored and is the caller's answer; the next weekly run tells its event
      this.failed('report snapshot not announced', { snapshotId: id, tenantId }, error);
    }
    return snapshot;
  }

  /**
   * The weekly run at `at`: a snapshot of the last full week (Monday to Monday, UTC) for every
   * tenant with firings in it. Idempotent: a week already taken is left as it is. A tenant whose
   * snapshot fails is logged, listed in `failed`, and the others are still taken; the caller
   * decides what a failure means (the BullMQ job fails so that it is retried, and the retry takes
   * only what is missing, since the ids are the week's). It then tells the snapshot.created of
   * every on-demand snapshot taken at least LATE_ANNOUNCEMENT_AGE_MS before `at` whose event could
   * not be queued when it was taken (a failure there counts as its tenant's).
   */
  runWeekly(at: Date): Promise<WeeklySnapshotRun> {
    // one at a time in a process: whether a week's snapshot is stored is read before it is taken,
    // so two runs of one week at once (the embedded make-up run and the timer's, or two jobs of a
    // frequent REPORT_SNAPSHOT_CRON) would both take it and tell it twice
    const next = this.weeklyRuns.then(
      () => this.runWeeklyNow(at),
      () => this.runWeeklyNow(at),
    );
    this.weeklyRuns = next.catch(() => undefined);
    return next;
  }

  private async runWeeklyNow(at: Date): Promise<WeeklySnapshotRun> {
    const week = lastFullWeek(at);
    const period = toPeriod(week.from, week.to);
    const run: WeeklySnapshotRun = {
      from: week.from.toISOString(),
      to: week.to.toISOString(),
      created: [],
      existing: [],
      announcedLate: [],
      failed: [],
    };
    for (const tenantId of await this.repository.tenantsWithFirings(period)) {
      const id = weeklySnapshotId(tenantId, week.from);
      try {
        const taken = await this.weeklySnapshot(tenantId, week, id);
        (taken ? run.created : run.existing).push(id);
      } catch (error) {
        this.failed('weekly report snapshot failed', { snapshotId: id, tenantId }, error);
        run.failed.push({ tenantId, error: failureName(error) });
      }
    }
    await this.announceOnDemandLate(at, run);
    return run;
  }

  /** Tells the events of on-demand snapshots that could not be told when taken (see runWeekly). */
  private async announceOnDemandLate(at: Date, run: WeeklySnapshotRun): Promise<void> {
    const before = new Date(at.getTime() - LATE_ANNOUNCEMENT_AGE_MS);
    for (const snapshot of await this.repository.unannounced(SnapshotKind.ON_DEMAND, before)) {
      const { tenantId, snapshotId } = snapshot;
      try {
        await this.announce(snapshot);
        run.announcedLate.push(snapshotId);
        this.logger.log(`report snapshot ${snapshotId} of tenant ${tenantId} announced late`);
      } catch (error) {
        this.failed('report snapshot not announced', { snapshotId, tenantId }, error);
        run.failed.push({ tenantId, error: failureName(error) });
      }
    }
  }

  /**
   * Makes sure the tenant has the week's snapshot and that it was announced: takes it when it is
   * missing (true), else announces it when an earlier run stored it but failed to announce it
   * (false). A failure throws; the snapshot, once stored, stays as it was.
   */
  private async weeklySnapshot(
    tenantId: string,
    week: { from: Date; to: Date },
    id: string,
  ): Promise<boolean> {
    const stored = await this.repository.find(tenantId, id);
    if (stored === undefined) {
      await this.announce(
        await this.take(tenantId, week.from, week.to, SnapshotKind.SCHEDULED, id),
      );
      return true;
    }
    if (!stored.announced) {
      await this.announce(stored);
      this.logger.log(`weekly report snapshot ${id} of tenant ${tenantId} announced late`);
    }
    return false;
  }

  /**
   * Logs a snapshot's failure: what was being done, its ids and what failed where, not the
   * error's message, which a store's refusal fills with the row it refused.
   */
  private failed(what: string, ids: { snapshotId: string; tenantId: string }, error: unknown) {
    this.logger.error({ err: loggedFailure(error), ...ids }, what);
  }

  /**
   * Tells the hook's listeners (webhooks' snapshot.created) that the snapshot is stored, then
   * records that they were told. Stored first, announced after: a failure between the two leaves
   * a snapshot without its announcement, which the next weekly run makes up (the retry of its
   * week's run for a weekly snapshot, the next run for an on-demand one).
   */
  private async announce(snapshot: SnapshotSummary): Promise<void> {
    await this.hook.created(snapshot);
    await this.repository.markAnnounced(snapshot, new Date());
  }

  /** A stored snapshot of the tenant; a snapshot of another tenant is not found. */
  async get(tenantId: string, snapshotId: string): Promise<StoredSnapshot> {
    const snapshot = await this.repository.get(tenantId, snapshotId);
    if (snapshot === undefined) {
      throw new ReportsException(
        ReportsErrorCode.SnapshotNotFound,
        `no report snapshot "${snapshotId}" for this tenant`,
      );
    }
    return snapshot;
  }

  /** The tenant's snapshots, newest first; with from and to, those whose period lies inside. */
  list(
    tenantId: string,
    options: { from?: Date | null; to?: Date | null; limit?: number | null },
  ): Promise<SnapshotSummary[]> {
    const limit = options.limit ?? 50;
    const { from, to } = options;
    const refuse = (message: string): never => {
      throw new ReportsException(ReportsErrorCode.InvalidRequest, message);
    };
    if ((from === undefined || from === null) !== (to === undefined || to === null)) {
      refuse('give both from and to, or neither');
    }
    if ([from, to].some((time) => time instanceof Date && Number.isNaN(time.getTime()))) {
      refuse('from, to: must be valid times');
    }
    // a from at or after to is refused naming both, as the other lists with a period refuse it
    const problem = pageProblem({ limit }, MAX_SNAPSHOTS_LISTED) ?? periodProblem({ from, to });
    if (problem !== undefined) {
      refuse(problem);
    }
    const range =
      from !== undefined && from !== null && to !== undefined && to !== null
        ? { from, to }
        : undefined;
    return this.repository.list(tenantId, range, limit);
  }

  private async take(
    tenantId: string,
    from: Date,
    to: Date,
    kind: SnapshotKind,
    snapshotId: string,
    options: ReportOptions = {},
  ): Promise<StoredSnapshot> {
    const createdAt = new Date();
    const measures = await this.measures.collect(tenantId, from, to, createdAt, options);
    const html = renderLiftReport(measures, {
      snapshot: { id: snapshotId, createdAt: createdAt.toISOString(), kind },
      revenueCapFrom: options.revenueCap === undefined ? 'setting' : 'snapshot',
    });
    const snapshot: StoredSnapshot = {
      tenantId,
      snapshotId,
      kind,
      from,
      to,
      createdAt,
      measures: JSON.stringify(measures),
      html,
    };
    await this.repository.insert(snapshot);
    return snapshot;
  }
}
