import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AuditLogService } from '../audit/index.js';
import { AppConfig } from '../config/index.js';
import { QueueName } from '../queue/index.js';
import {
  ClickHouseService,
  DataVersions,
  fromClickHouseTime,
  toClickHouseTime,
} from '../storage/index.js';
import { alterTargets } from './cluster-targets.js';
import { LifecycleErrorCode, LifecycleException } from './lifecycle.exception.js';
import { PersonBlocklist } from './person-blocklist.js';

/**
 * Every table holding rows of a person, and which of its rows are the person's. Each condition
 * binds {tenantId}, {personId}, {firingIds} (the person's firings) or {pattern} (the id as a
 * token of a rejected line's raw text); table names come from this list only.
 */
const PERSON_TABLES = [
  { table: 'signals', where: 'person_id = {personId:String}' },
  { table: 'firings', where: 'person_id = {personId:String}' },
  { table: 'exposures', where: 'firing_id IN {firingIds:Array(String)}' },
  { table: 'outcomes', where: 'person_id = {personId:String}' },
  { table: 'consent', where: 'person_id = {personId:String}' },
  // A rejected line is the person's when its raw text names the id (as sent or JSON-escaped) as a
  // whole token: "p1" does not take the lines of "p10".
  { table: 'rejected_events', where: 'match(raw, {pattern:String})' },
  // Segment messages kept unmapped: the person's by userId (else anonymousId), or when the JSON
  // names the id anywhere (an anonymousId beside another userId, a trait).
  {
    table: 'segment_unmapped',
    where: '(person_id = {personId:String} OR match(raw, {pattern:String}))',
  },
  { table: 'assignment_sequences', where: 'person_key = cityHash64({personId:String})' },
  { table: 'assignment_firings', where: 'person_key = cityHash64({personId:String})' },
  { table: 'trend_facts', where: 'person_key = cityHash64({personId:String})' },
] as const;

export type ErasedTable = (typeof PERSON_TABLES)[number]['table'];

/** Passes of delete-then-scan before an erasure gives up (rows arriving while it runs). */
const MAX_PASSES = 4;

/**
 * How long after the block the scan that closes an erasure starts at the earliest. A request
 * validated just before the block writes its rows within its own request, milliseconds later;
 * the closing scan waits long enough to see them and delete them too.
 */
const SETTLE_MS = 1_500;

/** How long an erasure waits for batches queued before it to be written (queued mode). */
const QUEUE_WAIT_MS = 120_000;

/** An erasure as recorded: counts per table and the keyed hash, never the person's id. */
export interface ErasureRecord {
  id: string;
  personIdHash: string;
  requestedAt: Date;
  completedAt: Date | null;
  rowsDeleted: Record<string, number>;
}

const erasureRow = z.object({
  erasure_id: z.string(),
  person_id_hash: z.string(),
  requested: z.string(),
  completed: z.string(),
  rows_deleted: z.string(),
});

const TOKEN_EDGE = '[^A-Za-z0-9_.:@-]';

/** An RE2 pattern matching `personId` (as sent, or JSON-escaped) as a whole token. */
export function personTokenPattern(personId: string): string {
  const escape = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  const forms = [...new Set([personId, JSON.stringify(personId).slice(1, -1)])].map(escape);
  return `(^|${TOKEN_EDGE})(${forms.join('|')})($|${TOKEN_EDGE})`;
}

/**
 * The right to be forgotten (docs/design.md §10): deletes every row of a person in the tenant's tables
 * before answering, optionally blocks the person's later rows, and records counts, never the id.
 */
@Injectable()
export class ErasureService {
  /** Per table, what a delete names: the table, or its `_local` tables on every node. */
  private readonly targetOf: (table: string) => string;

  constructor(
    config: AppConfig,
    private readonly clickhouse: ClickHouseService,
    private readonly blocklist: PersonBlocklist,
    private readonly audit: AuditLogService,
    private readonly versions: DataVersions,
    @Optional() @Inject(getQueueToken(QueueName.Ingest)) private readonly queue?: Queue,
  ) {
    this.targetOf = alterTargets(config.env.CLICKHOUSE_CLUSTER);
  }

  async erasePerson(
    tenantId: string,
    personId: string,
    blockReingest: boolean,
    actorKeyId?: string,
  ): Promise<ErasureRecord> {
    if (personId.length === 0 || personId.length > 256) {
      throw new LifecycleException(
        LifecycleErrorCode.InvalidRequest,
        'personId: 1 to 256 characters',
      );
    }
    const requestedAt = Date.now();
    const personIdHash = this.blocklist.hash(tenantId, personId);
    // Blocked first: a row of the person validated from now on is refused, so the passes below
    // only have to catch the rows of requests validated before this point.
    if (blockReingest) {
      await this.blocklist.block(tenantId, personIdHash);
    }
    // the tenant's data version moves once the rows are gone (and after a failed pass, which may
    // have deleted some): answers kept from before are not served again
    const rowsDeleted = await this.versions.writing(tenantId, () =>
      this.deleteUntilGone(tenantId, personId, Date.now() + SETTLE_MS),
    );
    const completedAt = Date.now();
    const id = randomUUID();
    await this.clickhouse.insert({
      table: 'erasures',
      tag: 'erasure.record',
      rows: [
        {
          tenant_id: tenantId,
          erasure_id: id,
          person_id_hash: personIdHash,
          requested_at: toClickHouseTime(requestedAt),
          completed_at: toClickHouseTime(completedAt),
          block_reingest: blockReingest,
          rows_deleted: JSON.stringify(rowsDeleted),
        },
      ],
    });
    await this.audit.record({
      tenantId,
      actorKeyId,
      action: 'person.erased',
      target: id,
      detail: { personIdHash, blockReingest, rowsDeleted },
    });
    return {
      id,
      personIdHash,
      requestedAt: new Date(requestedAt),
      completedAt: new Date(completedAt),
      rowsDeleted,
    };
  }

  /** The tenant's erasures requested in [from, to), oldest first. */
  async erasures(tenantId: string, from?: Date | null, to?: Date | null): Promise<ErasureRecord[]> {
    const rows = await this.clickhouse.query({
      tag: 'erasure.list',
      sql: `SELECT erasure_id, person_id_hash, toString(requested_at) AS requested,
                   toString(completed_at) AS completed, rows_deleted
            FROM erasures
            WHERE tenant_id = {tenantId:String}
              AND requested_at >= {from:DateTime64(3, 'UTC')} AND requested_at < {to:DateTime64(3, 'UTC')}
            ORDER BY requested_at, erasure_id`,
      params: {
        tenantId,
        from: toClickHouseTime(from?.getTime() ?? 0),
        to: toClickHouseTime(to?.getTime() ?? Date.UTC(2999, 0, 1)),
      },
      row: erasureRow,
    });
    return rows.map((r) => ({
      id: r.erasure_id,
      personIdHash: r.person_id_hash,
      requestedAt: new Date(fromClickHouseTime(r.requested)),
      completedAt: new Date(fromClickHouseTime(r.completed)),
      rowsDeleted: JSON.parse(r.rows_deleted) as Record<string, number>,
    }));
  }

  /** Rows of the person per table, every version of a row counted (no FINAL). */
  async rowsOf(tenantId: string, personId: string): Promise<Record<ErasedTable, number>> {
    return this.count(await this.paramsFor(tenantId, personId));
  }

  private async count(params: Record<string, unknown>): Promise<Record<ErasedTable, number>> {
    const counts = await this.clickhouse.query({
      tag: 'erasure.count',
      sql: PERSON_TABLES.map(
        ({ table, where }) =>
          `SELECT '${table}' AS t, count() AS n FROM ${table} WHERE tenant_id = {tenantId:String} AND ${where}`,
      ).join('\nUNION ALL\n'),
      params,
      row: z.object({ t: z.string(), n: z.number() }),
    });
    return Object.fromEntries(
      PERSON_TABLES.map(({ table }) => [table, counts.find((c) => c.t === table)?.n ?? 0]),
    ) as Record<ErasedTable, number>;
  }

  /**
   * Deletes and scans again until a scan finds nothing (rows of requests validated before the
   * block, or, without it, rows still arriving), and answers the rows deleted per table.
   */
  private async deleteUntilGone(
    tenantId: string,
    personId: string,
    settledAt: number,
  ): Promise<Record<ErasedTable, number>> {
    const deleted = Object.fromEntries(PERSON_TABLES.map(({ table }) => [table, 0])) as Record<
      ErasedTable,
      number
    >;
    for (let pass = 0; pass < MAX_PASSES;) {
      const scannedAt = Date.now();
      // The person's firings are named before any delete: their exposures are found by them.
      const params = await this.paramsFor(tenantId, personId);
      const found = await this.count(params);
      const tables = PERSON_TABLES.filter(({ table }) => found[table] > 0);
      if (tables.length === 0) {
        if (scannedAt >= settledAt && (await this.queuedSince(settledAt - SETTLE_MS)) === 0) {
          return deleted;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(200, settledAt - scannedAt)));
        if (Date.now() > settledAt + QUEUE_WAIT_MS) {
          throw new LifecycleException(
            LifecycleErrorCode.Incomplete,
            'ingest batches queued before the erasure are still not written; erase again once the queue has drained',
          );
        }
        continue;
      }
      pass++;
      for (const { table, where } of tables) {
        await this.deleteRows(table, where, params);
        deleted[table] += found[table];
      }
    }
    throw new LifecycleException(
      LifecycleErrorCode.Incomplete,
      `rows of the person kept arriving through ${MAX_PASSES} passes; erase again with blockReingest`,
    );
  }

  /**
   * `ALTER TABLE ... DELETE ... SETTINGS mutations_sync = 2`, not a lightweight `DELETE FROM`:
   * the mutation rewrites the parts holding the rows, so the person's data leaves the disk
   * (a lightweight delete only masks rows until a merge that may never come), and with
   * mutations_sync = 2 the statement returns once every replica has applied it, on the embedded
   * engine and on a server alike (on a cluster, ON CLUSTER runs it on every shard's local table
   * and waits for each).
   */
  private async deleteRows(
    table: ErasedTable,
    where: string,
    params: Record<string, unknown>,
  ): Promise<void> {
    const target = this.targetOf(table);
    await this.clickhouse.command(
      `erasure.delete.${table}`,
      `ALTER TABLE ${target} DELETE WHERE tenant_id = {tenantId:String} AND ${where}
       SETTINGS mutations_sync = 2`,
      params,
    );
  }

  /**
   * Ingest batches queued (validated) before `blockedAt` and not written yet: in queued mode the
   * worker writes them after the erasure's own deletes, so the erasure waits for them to land
   * and deletes what they bring. Zero without a queue.
   */
  private async queuedSince(blockedAt: number): Promise<number> {
    if (this.queue === undefined) {
      return 0;
    }
    const pending = await this.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    return pending.filter((job) => job.timestamp <= blockedAt).length;
  }

  private async paramsFor(tenantId: string, personId: string): Promise<Record<string, unknown>> {
    const firings = await this.clickhouse.query({
      tag: 'erasure.firings',
      sql: `SELECT DISTINCT firing_id FROM firings FINAL
            WHERE tenant_id = {tenantId:String} AND person_id = {personId:String}`,
      params: { tenantId, personId },
      row: z.object({ firing_id: z.string() }),
    });
    return {
      tenantId,
      personId,
      firingIds: firings.map((f) => f.firing_id),
      pattern: personTokenPattern(personId),
    };
  }
}
