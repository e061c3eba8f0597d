import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AuditLogService } from '../audit/index.js';
import { AppConfig } from '../config/index.js';
import { MAX_ID_CHARS } from '../ingest/fields.js';
import { isStream, tableOf } from '../ingest/streams.js';
import { deleteEvents, QueueName } from '../queue/index.js';
import {
  ClickHouseService,
  DataVersions,
  dateFromClickHouse,
  toClickHouseTime,
} from '../storage/index.js';
import { alterTargets } from './cluster-targets.js';
import { LifecycleErrorCode, LifecycleException } from './lifecycle.exception.js';
import {
  JSON_NUMBER_PATTERN,
  JSON_STRING_PATTERN,
  NON_TOKEN_CHARS,
  rowOfPerson,
  TOKEN_PATTERN,
  versionOfErasedRow,
  withoutLines,
  wordsOf,
  type LineToCheck,
  type QueuedBatch,
} from './erased-persons.js';
import { ERASURE_RUN_LIMIT_MS, noteErasure } from './erasure-runs.js';
import { PersonBlocklist } from './person-blocklist.js';
import { scrubFailure, type ErasedIds } from './erased-failures.js';

// The person of the erasure under way, read from its row of erasure_targets (migration 0090) by
// the erasure's id: the engine keeps the text of every ALTER ... DELETE with its parameters
// substituted (system.mutations), so no statement of an erasure carries the id itself, nor the
// ids of the person's firings.
const TARGET = 'FROM erasure_targets WHERE erasure_id = {erasureId:String}';
const THE_PERSON = `person_id IN (SELECT person_id ${TARGET})`;
const THE_PERSON_KEY = `person_key IN (SELECT cityHash64(person_id) ${TARGET})`;
// NULL (no row matches) rather than the empty pattern, which matches every row, should the
// erasure's row be missing.
const NAMED_IN_RAW = `match(raw, (SELECT anyOrNull(pattern) ${TARGET}))`;
// The ids of the person's firings found so far, written to erasure_target_firings (migration
// 0096) as they are found, before the firings are deleted: read from there, never sent.
const THE_FIRINGS = `SELECT firing_id FROM erasure_target_firings WHERE erasure_id = {erasureId:String}`;

/** `text` as an SQL string literal. */
const sqlString = (text: string) => `'${text.replace(/[\\']/g, '\\$&')}'`;
/** The words of a rejected line, as wordsOf (erased-persons.ts) reads them. */
const RAW_WORDS = `arrayConcat(
  extractAll(raw, ${sqlString(TOKEN_PATTERN)}),
  extractAll(raw, ${sqlString(JSON_NUMBER_PATTERN)}),
  arrayFlatten(arrayMap(text -> arrayPushBack(extractAll(text, ${sqlString(TOKEN_PATTERN)}), text),
                        arrayMap(quoted -> JSONExtractString(quoted), extractAll(raw, ${sqlString(JSON_STRING_PATTERN)})))))`;
// A line names one of the person's firings when one of its words is a firing's id: a set lookup,
// however many firings the person has (one pattern of every id would grow past what the engine
// compiles).
// A firing whose id is not one plain token (see plainId) has its pattern too, matched as the
// person's is: a line that is no JSON names it in a way its words do not show.
const NAMES_A_FIRING = `(arrayExists(word -> word IN (${THE_FIRINGS}), ${RAW_WORDS})
  OR arrayExists(pattern -> match(raw, pattern),
                 (SELECT groupArray(pattern) FROM erasure_target_firings
                  WHERE erasure_id = {erasureId:String} AND pattern != '')))`;

// The 64-bit hashes of the firings taken, as the assignment rollup keys firings.
const TAKEN_KEYS = `SELECT cityHash64(firing_id) FROM erasure_target_firings WHERE erasure_id = {erasureId:String}`;

// The firings of the person: those whose latest version names them, and those already taken.
const THEIR_FIRINGS = `(firing_id IN (SELECT firing_id FROM firings FINAL
                                      WHERE tenant_id = {tenantId:String} AND ${THE_PERSON})
                       OR firing_id IN (${THE_FIRINGS}))`;

/**
 * The rows of a stream keyed by `id` (a row is its latest version, docs/design.md §3) whose latest
 * version `named` names.
 */
// Looked up among the ids of the versions so named only (the id leads the table's key after the
// tenant): a set of every row's latest version would be the tenant's whole stream.
function latestNamed(table: string, id: string, named: string): string {
  return `${id} IN (
    SELECT ${id} FROM ${table} FINAL
    WHERE tenant_id = {tenantId:String} AND ${named}
      AND ${id} IN (SELECT ${id} FROM ${table} WHERE tenant_id = {tenantId:String} AND ${named}))`;
}

/**
 * The versions of a stream's rows that are the person's when `named` names them: every version
 * of a row whose latest is so named, and the versions so named of rows now another's (sent again
 * for someone else). A row sent for someone else and sent again for the person is the person's:
 * its earlier version goes with it, or erasing the person would bring back as the other's a row
 * the producer corrected away. A version written after the delete's lookup (the row sent again
 * for a third person) stays, and the row is theirs.
 */
function versionsOf(table: string, id: string, named: string): string {
  return `(${named} OR ${latestNamed(table, id, named)})`;
}

/**
 * A stream's table keyed by `id`, whose rows `named` names: the versions that are the person's
 * (see versionsOf), and the rows that go with every version of them (`whole`: their latest
 * version is the person's).
 */
function streamTable<T extends string>(table: T, id: string, named: string) {
  return { table, id, where: versionsOf(table, id, named), whole: latestNamed(table, id, named) };
}

/**
 * Every table holding rows of a person, and which of its rows are the person's. Each condition
 * binds {tenantId} and {erasureId}; table names come from this list only. Exposures come before
 * firings: they are the exposures of the person's firings, found through the firings.
 */
const PERSON_TABLES = [
  streamTable('signals', 'event_id', THE_PERSON),
  // Also by the ids of the firings already found: an exposure validated before they were blocked
  // may be written after the firings are deleted, and a later scan still finds it.
  streamTable('exposures', 'event_id', THEIR_FIRINGS),
  streamTable('firings', 'firing_id', THE_PERSON),
  streamTable('outcomes', 'outcome_id', THE_PERSON),
  streamTable('consent', 'event_id', THE_PERSON),
  // A rejected line is the person's when its raw text names the id (as sent or JSON-escaped) as a
  // whole token: "p1" does not take the lines of "p10"; or when it names one of their firings (a
  // rejected exposure names no person), as a whole token or a whole JSON string.
  { table: 'rejected_events', where: `(${NAMED_IN_RAW} OR ${NAMES_A_FIRING})` },
  // Segment messages kept unmapped: the person's by userId (else anonymousId), or when the JSON
  // names the id anywhere (an anonymousId beside another userId, a trait); a message delivered
  // again (the same messageId) is its latest delivery, as a stream's row is its latest version.
  {
    table: 'segment_unmapped',
    where: versionsOf('segment_unmapped', 'message_id', `(${THE_PERSON} OR ${NAMED_IN_RAW})`),
  },
  { table: 'assignment_sequences', where: THE_PERSON_KEY },
  // and the rollup's filing of a firing taken under someone else (it was theirs when built)
  { table: 'assignment_firings', where: `(${THE_PERSON_KEY} OR firing_key IN (${TAKEN_KEYS}))` },
  { table: 'trend_facts', where: THE_PERSON_KEY },
] as const;

/**
 * BullMQ's own fields of a queue event (its name, its job, the state it left, counts and delays):
 * they never carry a row, so a person whose id is one of their values ("failed", "active", "1")
 * does not take the events that hold it. The others (a failure's reason, a return value) may
 * quote a row.
 */
const EVENT_OWN_FIELDS = new Set(['event', 'jobId', 'prev', 'attemptsMade', 'delay', 'name']);
const carriesRows = (field: string) => !EVENT_OWN_FIELDS.has(field);

export type ErasedTable = (typeof PERSON_TABLES)[number]['table'];

/** The streams' tables of PERSON_TABLES, whose rows a queued ingest batch may hold. */
const STREAM_TABLES = PERSON_TABLES.filter((t) => 'whole' in t);

/**
 * The rows an erasure deleted with every version of them, per table and by id: the received_at
 * of the latest version deleted (see versionOfErasedRow).
 */
type ErasedRows = Map<string, Map<string, string>>;

/**
 * PERSON_TABLES as an erasure's passes count and delete them: of the firings whose latest version
 * names the person, only those whose ids the pass has taken (written to erasure_target_firings,
 * and blocked) first, every version of them; and the versions naming the person of firings now
 * another's (sent again for someone else), which are neither taken nor blocked. A firing written
 * between the reading of the ids and the delete stays for the next pass, which takes its id before
 * deleting it: no firing of the person is deleted unblocked, and none is counted twice.
 */
const FIRING_LATEST = latestNamed('firings', 'firing_id', THE_PERSON);
const PASS_TABLES: readonly { table: ErasedTable; where: string }[] = PERSON_TABLES.map((t) =>
  t.table === 'firings'
    ? {
        ...t,
        where: `(firing_id IN (${THE_FIRINGS}) AND (${THE_PERSON} OR ${FIRING_LATEST})
                 OR ${THE_PERSON} AND NOT ${FIRING_LATEST})`,
      }
    : t,
);

/** What an erasure's statements bind: the tenant, and the erasure naming the person. */
interface ErasureTarget {
  tenantId: string;
  erasureId: string;
}

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

/** A JSON `\uXXXX` escape, less its backslash, of a character that ends a token. */
const ESCAPED_NON_TOKEN = String.raw`u00(?:[01][0-9a-fA-F]|2[0-9a-cA-CfF]|3[b-fB-F]|5[b-eB-E]|60|7[b-fB-F])`;
/**
 * What may come before a token: a character that ends one (see TOKEN_PATTERN), or a JSON escape
 * of one that is not a letter (`\n`, `\t`, `\u0007`; a backslash escaped itself, `\\n`, is
 * followed by the letter n, which a token runs on through).
 */
const TOKEN_START = String.raw`(?:[${NON_TOKEN_CHARS}]|(?:^|[^\\])(?:\\\\)*\\(?:[bfnrt]|${ESCAPED_NON_TOKEN}))`;
/**
 * What may follow a token: a character that ends one, or a JSON escape of one (`\"`, `\n`,
 * `\u0020`); not a `\uXXXX` of a character a token runs on through (`jos\u00e9` is "josé").
 */
const TOKEN_END = String.raw`(?:[\x00-\x2c\x2f\x3b-\x3f\x5b\x5d\x5e\x60\x7b-\x7f]|\\(?:$|[^u]|${ESCAPED_NON_TOKEN}))`;

/** JSON's two-character escapes (a backslash and one more), as patterns, by what they stand for. */
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\\\"',
  '\\': '\\\\\\\\',
  '/': '\\\\/',
  '\b': '\\\\b',
  '\f': '\\\\f',
  '\n': '\\\\n',
  '\r': '\\\\r',
  '\t': '\\\\t',
};

/** A pattern for `\uXXXX` with `unit`'s hex digits in either case (encoders differ). */
function unicodeEscape(unit: number): string {
  const hex = unit.toString(16).padStart(4, '0');
  return `\\\\u${[...hex].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d)).join('')}`;
}

/**
 * Whether `id` is one plain token, spelled alike in every JSON encoding: ASCII letters, digits and
 * `_.:@-` only. Any other id (with a character JSON escapes, one beyond ASCII that an encoder may
 * write as `\uXXXX`, or one that ends a token, such as a space) is found by its pattern.
 */
export function plainId(id: string): boolean {
  return /^[A-Za-z0-9_.:@-]+$/.test(id);
}

/**
 * An RE2 pattern (JavaScript reads it alike) matching `personId` as a whole token, in any JSON
 * spelling: each character as itself, as `\uXXXX` (a surrogate pair beyond the BMP), or by its
 * short escape. Producers' encoders differ: Python's json.dumps writes "jörg" as "j\u00f6rg",
 * PHP's json_encode writes "/" as "\/".
 */
export function personTokenPattern(personId: string): string {
  const escape = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  const spellings = [...personId].map((char) => {
    const units = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i));
    const forms = [escape(char), units.map(unicodeEscape).join('')];
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) {
      forms.push(short);
    }
    return `(?:${forms.join('|')})`;
  });
  return `(^|${TOKEN_START})(${spellings.join('')})($|${TOKEN_END})`;
}

/**
 * The right to be forgotten (docs/design.md §10): deletes every row of a person in the tenant's tables
 * before answering, optionally blocks the person's later rows, and records counts, never the id.
 */
@Injectable()
export class ErasureService {
  /** Per table, what a delete names: the table, or its `_local` tables on every node. */
  private readonly targetOf: (table: string) => string;
  private readonly onCluster: boolean;

  constructor(
    config: AppConfig,
    private readonly clickhouse: ClickHouseService,
    private readonly blocklist: PersonBlocklist,
    private readonly audit: AuditLogService,
    private readonly versions: DataVersions,
    @Optional() @Inject(getQueueToken(QueueName.Ingest)) private readonly queue?: Queue,
  ) {
    this.targetOf = alterTargets(config.env.CLICKHOUSE_CLUSTER);
    this.onCluster = config.env.CLICKHOUSE_CLUSTER !== undefined;
  }

  async erasePerson(
    tenantId: string,
    personId: string,
    blockReingest: boolean,
    actorKeyId?: string,
  ): Promise<ErasureRecord> {
    // characters as ingest counts them (MAX_ID_CHARS), not UTF-16 units
    const characters = [...personId].length;
    if (characters === 0 || characters > MAX_ID_CHARS) {
      throw new LifecycleException(
        LifecycleErrorCode.InvalidRequest,
        `personId: 1 to ${MAX_ID_CHARS} characters`,
      );
    }
    const requestedAt = Date.now();
    const personIdHash = this.blocklist.hash(tenantId, personId);
    // Blocked first: a row of the person validated from now on is refused, so the passes below
    // only have to catch the rows of requests validated before this point.
    if (blockReingest) {
      await this.blocklist.block(tenantId, personIdHash);
    }
    const id = randomUUID();
    // Noted before anything is deleted: a build of the derived tables running meanwhile may have
    // read the person's rows before the deletes, and is discarded (see erasure-runs.ts).
    await noteErasure(this.clickhouse, tenantId, id, 'start');
    let rowsDeleted: Record<ErasedTable, number>;
    try {
      rowsDeleted = await this.eraseRows(tenantId, personId, id, blockReingest);
    } catch (error) {
      // the person may be blocked and rows of theirs deleted: not without a record of it (its
      // own failure to be written leaves the erasure's failure to answer)
      await this.audit
        .record({
          tenantId,
          actorKeyId,
          action: 'person.erasure_failed',
          target: id,
          detail: { personIdHash, blockReingest },
        })
        .catch(() => undefined);
      throw error;
    } finally {
      await noteErasure(this.clickhouse, tenantId, id, 'end');
    }
    const completedAt = Date.now();
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

  /**
   * Deletes the person's rows until none is left (blocking their firings, with `blockFirings`),
   * and rewrites the queued ingest jobs without them; answers the rows deleted per table.
   */
  private async eraseRows(
    tenantId: string,
    personId: string,
    erasureId: string,
    blockFirings: boolean,
  ): Promise<Record<ErasedTable, number>> {
    const startedAt = Date.now();
    // the tenant's data version moves once the rows are gone (and after a failed pass, which may
    // have deleted some): answers kept from before are not served again
    const firingIds = new Set<string>();
    const erasedRows: ErasedRows = new Map();
    const rowsDeleted = await this.versions.writing(tenantId, async () => {
      try {
        return await this.withTarget(tenantId, personId, erasureId, async (target) => {
          const deleted = await this.deleteUntilGone(
            target,
            Date.now() + SETTLE_MS,
            { firingIds, erasedRows },
            blockFirings,
          );
          if (firingIds.size > 0) {
            await this.unfileFirings(target);
          }
          return deleted;
        });
      } finally {
        if (firingIds.size > 0) {
          await this.clickhouse.command(
            'erasure.target_firings.delete',
            `ALTER TABLE ${this.targetOf('erasure_target_firings')} DELETE WHERE erasure_id = {erasureId:String}
             SETTINGS mutations_sync = 2`,
            { erasureId },
          );
        }
      }
    });
    await this.scrubQueue(tenantId, personId, firingIds, erasedRows);
    // builds stop waiting for an erasure this old (see erasure-runs.ts): past it, one may have
    // read the person's rows unseen
    if (Date.now() - startedAt > ERASURE_RUN_LIMIT_MS) {
      throw new LifecycleException(
        LifecycleErrorCode.Incomplete,
        `the erasure ran longer than ${ERASURE_RUN_LIMIT_MS / 60_000} minutes; erase again`,
      );
    }
    return rowsDeleted;
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
      requestedAt: dateFromClickHouse(r.requested),
      completedAt: dateFromClickHouse(r.completed),
      rowsDeleted: JSON.parse(r.rows_deleted) as Record<string, number>,
    }));
  }

  /** Rows of the person per table, every version of a row counted (no FINAL). */
  async rowsOf(tenantId: string, personId: string): Promise<Record<ErasedTable, number>> {
    return this.withTarget(tenantId, personId, randomUUID(), (target) => this.count(target));
  }

  /**
   * Runs `work` with the person written to erasure_targets under `erasureId`, which the
   * statements of `work` name in place of the id, and deletes that row after it.
   */
  private async withTarget<T>(
    tenantId: string,
    personId: string,
    erasureId: string,
    work: (target: ErasureTarget) => Promise<T>,
  ): Promise<T> {
    await this.clickhouse.insert({
      table: 'erasure_targets',
      tag: 'erasure.target',
      rows: [
        {
          tenant_id: tenantId,
          erasure_id: erasureId,
          person_id: personId,
          pattern: personTokenPattern(personId),
          started_at: toClickHouseTime(Date.now()),
        },
      ],
      // on a cluster the row must be on its shard before a delete reads it
      settings: this.onCluster ? { distributed_foreground_insert: 1 } : undefined,
    });
    try {
      return await work({ tenantId, erasureId });
    } finally {
      await this.clickhouse.command(
        'erasure.target.delete',
        `ALTER TABLE ${this.targetOf('erasure_targets')} DELETE WHERE erasure_id = {erasureId:String}
         SETTINGS mutations_sync = 2`,
        { erasureId },
      );
    }
  }

  private async count(
    target: ErasureTarget,
    tables: readonly { table: ErasedTable; where: string }[] = PERSON_TABLES,
  ): Promise<Record<ErasedTable, number>> {
    const counts = await this.clickhouse.query({
      tag: 'erasure.count',
      sql: tables
        .map(
          ({ table, where }) =>
            `SELECT '${table}' AS t, count() AS n FROM ${table} WHERE tenant_id = {tenantId:String} AND ${where}`,
        )
        .join('\nUNION ALL\n'),
      params: { ...target },
      row: z.object({ t: z.string(), n: z.number() }),
    });
    return Object.fromEntries(
      PERSON_TABLES.map(({ table }) => [table, counts.find((c) => c.t === table)?.n ?? 0]),
    ) as Record<ErasedTable, number>;
  }

  /**
   * Deletes and scans again until a scan finds nothing (rows of requests validated before the
   * block, or, without it, rows still arriving) and no write begun before the block is under way,
   * and answers the rows deleted per table. The ids of the person's firings are added to
   * `firingIds` (and blocked, with `blockFirings`) before the firings go; the closing scan comes
   * SETTLE_MS after the last of those blocks too, for the exposures validated just before it.
   * The rows deleted with every version of them are added to `erasedRows`.
   */
  private async deleteUntilGone(
    target: ErasureTarget,
    blockSettledAt: number,
    { firingIds, erasedRows }: { firingIds: Set<string>; erasedRows: ErasedRows },
    blockFirings: boolean,
  ): Promise<Record<ErasedTable, number>> {
    const deleted = Object.fromEntries(PERSON_TABLES.map(({ table }) => [table, 0])) as Record<
      ErasedTable,
      number
    >;
    const blockedAt = blockSettledAt - SETTLE_MS;
    let settledAt = blockSettledAt;
    for (let pass = 0; pass < MAX_PASSES;) {
      const scannedAt = Date.now();
      // Writes begun before the block and not done yet (queued batches, imports) are counted
      // before the scan, not after: once there are none, the scan sees every row they wrote.
      const unwritten =
        this.blocklist.uncheckedWritesBegunBy(target.tenantId, blockedAt) +
        (await this.queuedSince(target.tenantId, blockedAt));
      if (await this.takeFirings(target, firingIds, blockFirings)) {
        settledAt = Math.max(settledAt, Date.now() + SETTLE_MS);
      }
      const found = await this.count(target, PASS_TABLES);
      const tables = PASS_TABLES.filter(({ table }) => found[table] > 0);
      if (tables.length === 0) {
        if (scannedAt >= settledAt && unwritten === 0) {
          return deleted;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(200, settledAt - scannedAt)));
        if (Date.now() > blockSettledAt + QUEUE_WAIT_MS) {
          throw new LifecycleException(
            LifecycleErrorCode.Incomplete,
            'ingest batches queued (or imports begun) before the erasure are still not written; erase again once they are',
          );
        }
        continue;
      }
      pass++;
      await this.noteErasedRows(target, found, erasedRows);
      for (const { table, where } of tables) {
        await this.deleteRows(table, where, target);
        deleted[table] += found[table];
      }
    }
    throw new LifecycleException(
      LifecycleErrorCode.Incomplete,
      `rows of the person kept arriving through ${MAX_PASSES} passes; erase again with blockReingest`,
    );
  }

  /**
   * Adds to `erasedRows` the rows of the streams' tables in which `found` counts rows of the
   * person whose latest version is theirs, with that version's received_at: the delete that
   * follows takes every version of them.
   */
  private async noteErasedRows(
    target: ErasureTarget,
    found: Record<ErasedTable, number>,
    erasedRows: ErasedRows,
  ): Promise<void> {
    const tables = STREAM_TABLES.filter(({ table }) => found[table] > 0);
    if (tables.length === 0) {
      return;
    }
    const rows = await this.clickhouse.query({
      tag: 'erasure.erased_rows',
      sql: tables
        .map(
          ({ table, id, whole }) =>
            `SELECT '${table}' AS t, ${id} AS id, toString(max(received_at)) AS latest
             FROM ${table} WHERE tenant_id = {tenantId:String} AND ${whole} GROUP BY id`,
        )
        .join('\nUNION ALL\n'),
      params: { ...target },
      row: z.object({ t: z.string(), id: z.string(), latest: z.string() }),
    });
    for (const { t, id, latest } of rows) {
      const ofTable = erasedRows.get(t) ?? new Map<string, string>();
      // a row found again by a later pass (a version written meanwhile): the later of the two
      if ((ofTable.get(id) ?? '') < latest) {
        erasedRows.set(t, ofTable.set(id, latest));
      }
    }
  }

  /**
   * `ALTER TABLE ... DELETE ... SETTINGS mutations_sync = 2`, not a lightweight `DELETE FROM`:
   * the mutation rewrites the parts holding the rows, so the person's data leaves the disk
   * (a lightweight delete only masks rows until a merge that may never come), and with
   * mutations_sync = 2 the statement returns once every replica has applied it, on the embedded
   * engine and on a server alike (on a cluster, ON CLUSTER runs it on every shard's local table
   * and waits for each). The conditions read the person by subquery, which a replicated table
   * runs only with allow_nondeterministic_mutations: the row they read stays as it is while the
   * erasure runs.
   */
  private async deleteRows(
    table: ErasedTable,
    where: string,
    target: ErasureTarget,
  ): Promise<void> {
    await this.clickhouse.command(
      `erasure.delete.${table}`,
      `ALTER TABLE ${this.targetOf(table)} DELETE WHERE tenant_id = {tenantId:String} AND ${where}
       SETTINGS mutations_sync = 2, allow_nondeterministic_mutations = 1`,
      { ...target },
    );
  }

  /**
   * Removes the firings taken from the assignment rollup's sequences of other persons: a firing
   * sent for someone else, filed under them by a build, and sent again for the person, is deleted
   * with every version of it, and the build would still count it as theirs (a query reads a person
   * from firings only when a firing of theirs was written since the build). Their other firings
   * stay in the sequence, at the same positions as their variants.
   */
  private async unfileFirings(target: ErasureTarget): Promise<void> {
    const taken = `(SELECT groupArray(cityHash64(firing_id)) FROM erasure_target_firings
                    WHERE erasure_id = {erasureId:String})`;
    const kept = (column: string) =>
      `arrayFilter((value, firing_key) -> NOT has(${taken}, firing_key), ${column}, firing_keys)`;
    await this.clickhouse.command(
      'erasure.unfile.assignment_sequences',
      `ALTER TABLE ${this.targetOf('assignment_sequences')}
       UPDATE keys = ${kept('keys')}, variants = ${kept('variants')}, firing_keys = ${kept('firing_keys')}
       WHERE tenant_id = {tenantId:String} AND hasAny(firing_keys, ${taken})
       SETTINGS mutations_sync = 2, allow_nondeterministic_mutations = 1`,
      { ...target },
    );
  }

  /**
   * Adds the ids of the person's firings not yet in `firingIds` to it and to
   * erasure_target_firings (and blocks them, with `blockFirings`), before the firings go: the
   * scans after still find the rows naming them (exposures, rejected lines: they name no person).
   * Answers whether it blocked any.
   */
  private async takeFirings(
    target: ErasureTarget,
    firingIds: Set<string>,
    blockFirings: boolean,
  ): Promise<boolean> {
    const newIds = (await this.firingsOf(target)).filter((id) => !firingIds.has(id));
    if (newIds.length === 0) {
      return false;
    }
    // exposures name a firing, not a person: those of the person's firings arriving later are
    // refused by the firing's id, blocked before the firings (and their ids) are gone
    if (blockFirings) {
      await this.blocklist.blockFirings(target.tenantId, newIds);
    }
    const foundAt = toClickHouseTime(Date.now());
    await this.clickhouse.insert({
      table: 'erasure_target_firings',
      tag: 'erasure.target_firings',
      rows: newIds.map((firingId) => ({
        tenant_id: target.tenantId,
        erasure_id: target.erasureId,
        firing_id: firingId,
        found_at: foundAt,
        pattern: plainId(firingId) ? '' : personTokenPattern(firingId),
      })),
      // on a cluster the rows must be on their shard before a delete reads them
      settings: this.onCluster ? { distributed_foreground_insert: 1 } : undefined,
    });
    for (const firingId of newIds) {
      firingIds.add(firingId);
    }
    return blockFirings;
  }

  /** The ids of the person's firings (read back, never sent: see THE_PERSON). */
  private async firingsOf(target: ErasureTarget): Promise<string[]> {
    const rows = await this.clickhouse.query({
      tag: 'erasure.firings',
      sql: `SELECT DISTINCT firing_id FROM firings FINAL
            WHERE tenant_id = {tenantId:String} AND ${THE_PERSON}`,
      params: { ...target },
      row: z.object({ firing_id: z.string() }),
    });
    return rows.map((r) => r.firing_id);
  }

  /**
   * Queued mode: Redis keeps the ingest jobs with the rows they carry (completed ones for an
   * hour, failed ones until retried or past retention). Each job of the tenant, but those a worker holds
   * now, is rewritten without the person's rows, taken as the stored ones are (see rowOfPerson),
   * without the versions of `erasedRows` no later than the ones deleted (see versionOfErasedRow),
   * and its rejected lines naming the person as a whole token in any JSON spelling, or one of
   * `firingIds` as rejected lines are read (one of the line's words): no copy of the
   * person's rows outlives the erasure there, and a failed job retried later does not bring them
   * back. The firings are looked up, not matched by a pattern of every id: a person may have
   * thousands. A failure's reason and stack that name them (an engine's refusal may quote the row)
   * are kept with the ids replaced, and the queue's events of the tenant's jobs that name them are
   * deleted (another tenant's person may bear the same id).
   */
  private async scrubQueue(
    tenantId: string,
    personId: string,
    firingIds: ReadonlySet<string>,
    erasedRows: ErasedRows,
  ): Promise<void> {
    if (this.queue === undefined) {
      return;
    }
    const personPattern = personTokenPattern(personId);
    // the firings whose ids are no plain token, by their patterns as the person (see plainId)
    const firingPatterns = [...firingIds].filter((id) => !plainId(id)).map(personTokenPattern);
    const patterns = [personPattern, ...firingPatterns].map((pattern) => new RegExp(pattern));
    const named = (raw: string) =>
      patterns.some((pattern) => pattern.test(raw)) ||
      (firingIds.size > 0 && wordsOf(raw).some((word) => firingIds.has(word)));
    const ids: ErasedIds = { patterns: [personPattern, ...firingPatterns], firingIds, named };
    const ofPerson = rowOfPerson(personId, firingIds);
    const erasedVersionOf = new Map<string, (line: LineToCheck) => boolean>(
      STREAM_TABLES.map(({ table, id }) => [
        table,
        versionOfErasedRow(id, erasedRows.get(table) ?? new Map()),
      ]),
    );
    const jobs = await this.queue.getJobs([
      'completed',
      'failed',
      'waiting',
      'delayed',
      'prioritized',
    ]);
    for (const job of jobs) {
      const data = job.data as QueuedBatch;
      if (data.tenantId !== tenantId) {
        continue;
      }
      await scrubFailure(this.queue, job, ids);
      const erasedVersion =
        data.stream !== undefined && isStream(data.stream)
          ? erasedVersionOf.get(tableOf[data.stream])
          : undefined;
      // its rows by their person (or an exposure's firing), as the store's, and the earlier
      // versions of rows erased whole; its rejected lines by the words of their text, as
      // rejected_events
      const { batch, removed } = withoutLines(
        data,
        (line) => ofPerson(line) || erasedVersion?.(line) === true,
        (line) => named(line.raw),
      );
      if (removed > 0) {
        await job.updateData(batch).catch(async (error: unknown) => {
          // a completed job that expired meanwhile is gone with its rows: nothing to rewrite
          if (job.id === undefined || (await this.queue?.getJob(job.id)) !== undefined) {
            throw error;
          }
        });
      }
    }
    // a `failed` event carries the failure's reason; an event names its job, and the erasure
    // deletes the tenant's only (each job's by its tenant, read from the jobs read above or, for
    // one a worker holds now, from Redis). An event of a job no longer kept cannot be told from
    // the tenant's, and goes when it names them; an event naming no job carries no row.
    const tenantOf = new Map(jobs.map((job) => [job.id, (job.data as QueuedBatch).tenantId]));
    await deleteEvents(this.queue, async (event) => {
      const jobId = event.jobId;
      if (
        jobId === undefined ||
        !Object.entries(event).some(([f, v]) => carriesRows(f) && named(v))
      ) {
        return false;
      }
      const owner = tenantOf.has(jobId)
        ? tenantOf.get(jobId)
        : ((await this.queue?.getJob(jobId))?.data as QueuedBatch | undefined)?.tenantId;
      return owner === undefined || owner === tenantId;
    });
  }

  /**
   * Ingest batches of the tenant queued (validated) before `blockedAt` and not written yet: in
   * queued mode the worker writes them after the erasure's own deletes, so the erasure waits for
   * them to land and deletes what they bring. Another tenant's batches hold none of its rows, and
   * are not waited for. Zero without a queue.
   */
  private async queuedSince(tenantId: string, blockedAt: number): Promise<number> {
    if (this.queue === undefined) {
      return 0;
    }
    const pending = await this.queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
    return pending.filter(
      (job) => job.timestamp <= blockedAt && (job.data as QueuedBatch).tenantId === tenantId,
    ).length;
  }
}
