import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { AuditLogService } from '../audit/index.js';
import { ApiKeysService, Scope } from '../auth/index.js';
import { loadConfig } from '../config/index.js';
import { generateProgram } from '../demo/index.js';
import { LiftService } from '../measurement/index.js';
import { seedRows } from '../measurement/testing.js';
import { ClickHouseService } from '../storage/index.js';
import { openTemporaryStore, type TemporaryStore } from '../storage/testing.js';
import { BackupService, MANIFEST } from './backup.service.js';

const STREAM_TABLES = ['signals', 'triggers', 'firings', 'exposures', 'outcomes', 'consent'];

async function countsOf(clickhouse: ClickHouseService): Promise<Record<string, number>> {
  const rows = await clickhouse.query({
    tag: 'test.counts',
    sql: STREAM_TABLES.map(
      (t) => `SELECT '${t}' AS t, tenant_id, count() AS n FROM ${t} FINAL GROUP BY tenant_id`,
    ).join(' UNION ALL '),
    row: z.object({ t: z.string(), tenant_id: z.string(), n: z.number() }),
  });
  return Object.fromEntries(rows.map((r) => [`${r.tenant_id}.${r.t}`, r.n]));
}

describe('backup and restore on the embedded engine', () => {
  const pepper = 'backup-spec-pepper-0123456789abcdef';
  const backups = mkdtempSync(join(tmpdir(), 'causeway-backups-'));
  const program = generateProgram({ seed: 5, persons: 300 });
  const period = { from: program.period.from, to: program.period.to };
  let store: TemporaryStore;
  let service: BackupService;
  let key: string;
  let revokedKey: string;
  let countsAtFull: Record<string, number>;
  let counts: Record<string, number>;
  let lift: unknown;

  beforeAll(async () => {
    store = await openTemporaryStore({
      CAUSEWAY_KEY_PEPPER: pepper,
      CAUSEWAY_BACKUP_ROOT: backups,
    });
    const audit = new AuditLogService(store.clickhouse);
    service = new BackupService(store.config, store.clickhouse, audit);
    const keys = new ApiKeysService(store.config, store.clickhouse, audit);
    key = (await keys.create('acme', [Scope.READ])).key;
    const revoked = await keys.create('acme', [Scope.READ]);
    await keys.revoke(revoked.keyId);
    revokedKey = revoked.key;
    await seedRows(store.clickhouse, 'acme', {
      triggers: program.rows.triggers,
      signals: program.rows.signals,
      consent: program.rows.consent,
    });
  });
  afterAll(async () => {
    await store.dispose();
    rmSync(backups, { recursive: true, force: true });
  });

  it('takes a full backup, then an incremental one on top of it', async () => {
    const full = await service.backup(join(backups, 'full'));
    countsAtFull = await countsOf(store.clickhouse);
    expect(full.bytes).toBeGreaterThan(0);
    expect(existsSync(join(backups, 'full', MANIFEST))).toBe(true);
    await seedRows(store.clickhouse, 'acme', {
      firings: program.rows.firings,
      exposures: program.rows.exposures,
      outcomes: program.rows.outcomes,
    });
    const incremental = await service.backup(join(backups, 'incr'), join(backups, 'full'));
    expect(incremental.bytes).toBeGreaterThan(0);
    counts = await countsOf(store.clickhouse);
    lift = await new LiftService(store.clickhouse, store.config).report('acme', period);
    expect(counts['acme.firings']).toBe(program.rows.firings.length);
    expect(readdirSync(backups).sort()).toEqual(['full', 'incr']);
  });

  it('refuses a directory that exists, a base that is not a whole backup, and a relative path', async () => {
    await expect(service.backup(join(backups, 'full'))).rejects.toThrow(/exists already/);
    await expect(service.backup(join(backups, 'x'), join(backups, 'none'))).rejects.toThrow(
      /not a complete Causeway backup/,
    );
    await expect(service.backup('relative/dir')).rejects.toThrow(/to: an absolute directory/);
  });

  it('takes no backup whose audit entry could not be written', async () => {
    const audit = new AuditLogService(store.clickhouse);
    jest.spyOn(audit, 'record').mockRejectedValue(new Error('audit store down'));
    const unrecorded = new BackupService(store.config, store.clickhouse, audit);
    await expect(unrecorded.backup(join(backups, 'unrecorded'))).rejects.toThrow(
      'audit store down',
    );
    // a copy of every tenant's data never exists unrecorded, not even half-written
    expect(readdirSync(backups).sort()).toEqual(['full', 'incr']);
  });

  it('restores into an empty directory with every count, measure and key as before', async () => {
    // One embedded store per process at a time: the original closes before the restored ones open.
    await store.dispose();
    for (const [name, expected] of [
      ['incr', counts],
      ['full', countsAtFull],
    ] as const) {
      const dataDir = mkdtempSync(join(tmpdir(), 'causeway-restored-'));
      const config = loadConfig({
        CAUSEWAY_DATA_DIR: dataDir,
        CAUSEWAY_KEY_PEPPER: pepper,
        CAUSEWAY_BACKUP_ROOT: backups,
        LOG_LEVEL: 'silent',
      });
      const clickhouse = new ClickHouseService(config);
      try {
        const audit = new AuditLogService(clickhouse);
        const restored = await new BackupService(config, clickhouse, audit).restore(
          join(backups, name),
        );
        expect(restored.tables).toBeGreaterThan(15);
        expect(await countsOf(clickhouse)).toEqual(expected);
        if (name === 'incr') {
          expect(await new LiftService(clickhouse, store.config).report('acme', period)).toEqual(
            lift,
          );
        }
        const keys = new ApiKeysService(config, clickhouse, audit);
        await expect(keys.authenticate(key)).resolves.toMatchObject({ tenantId: 'acme' });
        await expect(keys.authenticate(revokedKey)).rejects.toThrow('invalid or revoked API key');
        await keys.flushUses();
        await expect(
          new BackupService(config, clickhouse, audit).restore(join(backups, name)),
        ).rejects.toThrow(/already holds/);
      } finally {
        await clickhouse.onApplicationShutdown();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    store = await openTemporaryStore();
  });
});
