import { Injectable } from '@nestjs/common';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { AuditLogService } from '../audit/index.js';
import { ADMIN_TENANT } from '../auth/index.js';
import { AppConfig } from '../config/index.js';
import { ClickHouseService } from '../storage/index.js';
import { LifecycleErrorCode, LifecycleException } from './lifecycle.exception.js';

/** A backup as answered: where it went, when, and the bytes the engine wrote. */
export interface BackupRecord {
  id: string;
  to: string;
  startedAt: Date;
  completedAt: Date | null;
  bytes: number;
}

/** Written beside the engine's own files once a backup is whole: what restore needs to know. */
export const MANIFEST = 'causeway-backup.json';

const manifestSchema = z.object({
  id: z.string(),
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/),
  base: z.string().nullable(),
  startedAt: z.string(),
  completedAt: z.string(),
  bytes: z.number(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

const backupRow = z.object({ id: z.string(), status: z.string() });

/** Reads a backup directory's manifest; throws naming what is missing when it is not whole. */
export function readManifest(directory: string): BackupManifest {
  const file = join(directory, MANIFEST);
  if (!existsSync(file)) {
    throw new LifecycleException(
      LifecycleErrorCode.InvalidRequest,
      `${directory} is not a complete Causeway backup (no ${MANIFEST}: unfinished, or not a backup)`,
    );
  }
  return manifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Checks a directory named by a caller: absolute, and plain text the engine can take. */
function checkedDirectory(field: string, path: string): string {
  if (!isAbsolute(path) || /[\0\n\r]/.test(path)) {
    throw new LifecycleException(
      LifecycleErrorCode.InvalidRequest,
      `${field}: an absolute directory path on the machine that serves`,
    );
  }
  return resolve(path);
}

/**
 * BACKUP and RESTORE of the whole database (every tenant, the API keys, the audit log, the
 * schema record) with the engine's own `BACKUP DATABASE ... TO File(...)`.
 *
 * On the embedded engine the backup is written into `<to>.partial-<id>` and renamed to `<to>`
 * once the engine has finished and the manifest is written: a backup killed half-way leaves a
 * `.partial-` directory and never a directory that looks whole, so `<to>` is always either absent
 * or restorable, and earlier backups are never touched. Each table is copied as it stands when the
 * engine reaches it (its parts at that moment; ingest goes on and later rows are not in it).
 * On a server the path is the server's (its `backups.allowed_path`); the engine writes there.
 */
@Injectable()
export class BackupService {
  constructor(
    private readonly config: AppConfig,
    private readonly clickhouse: ClickHouseService,
    private readonly audit: AuditLogService,
  ) {}

  private get database(): string {
    return this.config.embedded ? 'default' : this.config.env.CLICKHOUSE_DATABASE;
  }

  /** Takes a backup into `to` (which must not exist), incremental on `base` when given. */
  async backup(to: string, base?: string | null, actorKeyId?: string): Promise<BackupRecord> {
    const target = checkedDirectory('to', to);
    const basePath = base === undefined || base === null ? null : checkedDirectory('base', base);
    if (this.config.embedded) {
      if (existsSync(target)) {
        throw new LifecycleException(
          LifecycleErrorCode.Conflict,
          `to: ${target} exists already; a backup goes into a new directory`,
        );
      }
      if (basePath !== null) {
        readManifest(basePath);
      }
      mkdirSync(dirname(target), { recursive: true });
    }
    // recorded first: a failed write stops the backup, and no copy of every tenant's data is
    // taken unrecorded
    await this.audit.record({
      tenantId: ADMIN_TENANT,
      actorKeyId,
      action: 'backup.taken',
      target,
      detail: { base: basePath },
    });
    const startedAt = new Date();
    const partial = this.config.embedded ? `${target}.partial-${startedAt.getTime()}` : target;
    const [started] = await this.clickhouse.query({
      tag: 'backup.take',
      sql:
        basePath === null
          ? `BACKUP DATABASE ${this.database} TO File({path:String})`
          : `BACKUP DATABASE ${this.database} TO File({path:String})
             SETTINGS base_backup = File({base:String})`,
      params: { path: partial, base: basePath ?? '' },
      row: backupRow,
    });
    if (started?.status !== 'BACKUP_CREATED') {
      throw new LifecycleException(
        LifecycleErrorCode.BackupFailed,
        `the engine answered ${started?.status ?? 'nothing'} to the backup`,
      );
    }
    const bytes = await this.bytesOf(started.id);
    const completedAt = new Date();
    if (this.config.embedded) {
      const manifest: BackupManifest = {
        id: started.id,
        database: this.database,
        base: basePath,
        startedAt: startedAt.toISOString(),
        completedAt: completedAt.toISOString(),
        bytes,
      };
      writeFileSync(join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
      renameSync(partial, target);
    }
    return { id: started.id, to: target, startedAt, completedAt, bytes };
  }

  private async bytesOf(id: string): Promise<number> {
    const [row] = await this.clickhouse.query({
      tag: 'backup.size',
      sql: 'SELECT total_size FROM system.backups WHERE id = {id:String}',
      params: { id },
      row: z.object({ total_size: z.number() }),
    });
    return row?.total_size ?? 0;
  }

  /**
   * Restores a backup into this store, which must hold no table yet (an empty data directory,
   * or an empty database on a server). An incremental backup reads its bases where they were.
   */
  async restore(from: string): Promise<{ tables: number; manifest: BackupManifest }> {
    const source = checkedDirectory('from', from);
    const manifest = readManifest(source);
    const [existing] = await this.clickhouse.query({
      tag: 'restore.check_empty',
      sql: 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase()',
      row: z.object({ n: z.number() }),
    });
    if ((existing?.n ?? 0) > 0) {
      throw new LifecycleException(
        LifecycleErrorCode.Conflict,
        `the store already holds ${existing?.n} tables; restore fills an empty CAUSEWAY_DATA_DIR (or an empty database)`,
      );
    }
    await this.clickhouse.command(
      'restore.run',
      `RESTORE DATABASE ${manifest.database} AS ${this.database} FROM File({path:String})
       SETTINGS allow_non_empty_tables = 0`,
      { path: source },
    );
    const [restored] = await this.clickhouse.query({
      tag: 'restore.count',
      sql: 'SELECT count() AS n FROM system.tables WHERE database = currentDatabase()',
      row: z.object({ n: z.number() }),
    });
    return { tables: restored?.n ?? 0, manifest };
  }
}

/** True when a directory holds nothing (or does not exist): where restore may write a store. */
export function isEmptyDirectory(path: string): boolean {
  return !existsSync(path) || readdirSync(path).length === 0;
}
