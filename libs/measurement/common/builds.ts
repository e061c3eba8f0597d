import type { OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { z } from 'zod';
import type { ClickHouseService } from '../../storage/index.js';
import { PeriodicRun } from '../../queue/index.js';

/**
 * Tables kept in builds (the assignment rollup, the trend facts): each build is a partition of its
 * tables, named by its build id, written whole before it is recorded, so that a new one never
 * changes rows a running query reads and an old one is dropped whole.
 */

/** Builds kept: the newest and the one before, which a query started before the newest may read. */
export const BUILDS_KEPT = 2;

/**
 * A new build's id: the engine's clock in ms × 1000 and a random tail, so that two processes
 * building in one millisecond still differ, and ids grow with time.
 */
export function newBuildId(nowMs: number): number {
  return nowMs * 1000 + Math.floor(Math.random() * 1000);
}

/**
 * Drops the partitions of `tables` whose build id (`build_id` in `old`, a condition bound by
 * `params`) is old. On a cluster (CLICKHOUSE_CLUSTER) the partitions live in the `_local` tables of
 * every node (migrations' cluster variant), so they are listed and dropped there.
 */
export async function dropBuilds(
  clickhouse: ClickHouseService,
  tables: readonly string[],
  old: string,
  params: Record<string, unknown> = {},
): Promise<void> {
  const cluster = clickhouse.config.env.CLICKHOUSE_CLUSTER;
  for (const name of tables) {
    const table = cluster === undefined ? name : `${name}_local`;
    const parts =
      cluster === undefined ? 'system.parts' : 'clusterAllReplicas({cluster:String}, system.parts)';
    const partitions = await clickhouse.query({
      tag: `${name}.old_builds`,
      sql: `
        SELECT partition_id FROM (
          SELECT DISTINCT partition_id, toUInt64OrZero(partition_id) AS build_id FROM ${parts}
          WHERE database = currentDatabase() AND table = {table:String} AND active)
        WHERE ${old}`,
      params: { ...params, table, cluster },
      row: z.object({ partition_id: z.string() }),
    });
    const onCluster = cluster === undefined ? '' : ` ON CLUSTER '${cluster}'`;
    for (const { partition_id } of partitions) {
      if (!/^\d+$/.test(partition_id)) {
        throw new Error(`${table}: partition ${partition_id} is not a build id`);
      }
      await clickhouse.command(
        `${name}.drop_build`,
        `ALTER TABLE ${table}${onCluster} DROP PARTITION ID '${partition_id}'`,
      );
    }
  }
}

/**
 * A provider that keeps a build current: from the application's bootstrap it runs `refreshDue`
 * every `everyMs()` (never when 0; at once as well when `startNow`), one run at a time, and at the
 * module's destroy it stops and waits for a run under way, since the store closes after this.
 */
export abstract class BuildRefresher<T> implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly periodic: PeriodicRun<T>;

  protected constructor(
    name: string,
    private readonly startNow = false,
  ) {
    this.periodic = new PeriodicRun(name, () => this.refreshDue());
  }

  /** Milliseconds between runs (0: never). */
  protected abstract everyMs(): number;

  /** One run: whatever it built. */
  protected abstract refreshDue(): Promise<T>;

  onApplicationBootstrap(): void {
    this.periodic.start(this.everyMs(), { now: this.startNow });
  }

  async onModuleDestroy(): Promise<void> {
    await this.periodic.stop();
  }

  /** One run now, or the run under way: whatever it built. */
  refresh(): Promise<T> {
    return this.periodic.run();
  }
}
