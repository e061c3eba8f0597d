import { z } from 'zod';
import type { ClickHouseService } from './clickhouse.service.js';
import { loadMigrations, planStatements, type Migration } from './migrations.js';
import { StorageErrorCode, StorageException } from './storage.errors.js';
import { messageOf } from '../errors/index.js';

const appliedRow = z.object({ version: z.number(), checksum: z.string() });

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies pending migrations in order, each once, recording it in `schema_migrations`.
 * A migration whose file changed after it was applied stops the run: they are forward-only.
 */
export class Migrator {
  constructor(
    private readonly clickhouse: ClickHouseService,
    private readonly migrations: Migration[] = loadMigrations(),
    private readonly cluster?: string,
  ) {}

  private async appliedVersions(): Promise<Map<number, string>> {
    const exists = await this.clickhouse.query({
      tag: 'migrations.exists',
      sql: "SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'",
      row: z.object({ n: z.number() }),
    });
    if ((exists[0]?.n ?? 0) === 0) {
      return new Map();
    }
    const rows = await this.clickhouse.query({
      tag: 'migrations.applied',
      sql: 'SELECT version, any(checksum) AS checksum FROM schema_migrations GROUP BY version',
      row: appliedRow,
    });
    return new Map(rows.map((r) => [r.version, r.checksum]));
  }

  /** Versions not yet applied. */
  async pending(): Promise<Migration[]> {
    const applied = await this.appliedVersions();
    return this.migrations.filter((m) => !applied.has(m.version));
  }

  async run(): Promise<MigrationReport> {
    const applied = await this.appliedVersions();
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    for (const { migration, statements } of planStatements(this.migrations, this.cluster)) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new StorageException(
            StorageErrorCode.MigrationFailed,
            `migration ${migration.file} changed after it was applied; add a new migration instead`,
          );
        }
        report.alreadyApplied += 1;
        continue;
      }
      for (const statement of statements) {
        try {
          await this.clickhouse.command(`migrate.${migration.version}`, statement);
        } catch (error) {
          throw new StorageException(
            StorageErrorCode.MigrationFailed,
            `migration ${migration.file} failed: ${messageOf(error)}`,
            { cause: error },
          );
        }
      }
      await this.clickhouse.insert({
        table: 'schema_migrations',
        tag: 'migrations.record',
        rows: [{ version: migration.version, name: migration.name, checksum: migration.checksum }],
      });
      report.applied.push(migration.file);
    }
    return report;
  }
}
