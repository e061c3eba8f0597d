import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gqlData, mintKey, postIngest } from '../support/client.js';
import { uploadDemoProgram } from '../support/demo-program.js';
import {
  redisAvailable,
  requirePart,
  startApi,
  startRedis,
  type ApiProcess,
  type RedisProcess,
} from '../support/processes.js';
import { measuredByType, signalBatch, type SignalBatch } from './support/batches.js';
import { faultRecorder, recordFigures, recordRows } from './support/figures.js';

const SUITE = 'data-lifecycle';
const root = join(import.meta.dirname, '..', '..');
const PEPPER = 'reliability-pepper-0123456789abcdef0123';
const run = promisify(execFile);
const cli = join(root, 'dist/apps/cli/main.js');

const fault = faultRecorder(SUITE);

/** Every count and measure a tenant reads, as one answer to compare whole. */
const MEASURES = `query($from: DateTime!, $to: DateTime!) {
  storedRows { stream rows }
  liftReport(from: $from, to: $to) {
    triggerId treatment { persons conversions revenue } holdout { persons conversions revenue }
    absoluteLift { estimate low high }
  }
  guardrails(from: $from, to: $to) { triggerId outcomeClass verdict pValue }
  suppressionAudit(from: $from, to: $to) { triggerId capBreaches capBreachRate }
  triggerLatency(from: $from, to: $to) { triggerId firings p50Ms p99Ms withinWindowRate }
  signalFreshness(from: $from, to: $to) { type signals }
}`;

const redisMissing = redisAvailable();

describe.each([
  { mode: 'inline', queued: false },
  { mode: 'queued', queued: true },
])('erasure under concurrent ingest, $mode mode', ({ mode, queued }) => {
  let api: ApiProcess;
  let redis: RedisProcess | undefined;
  let key: string;
  let eraser: string;
  const victim = 'erase-p13';
  const runs = !queued || requirePart(redisMissing);

  beforeAll(async () => {
    if (!runs) {
      return;
    }
    redis = queued ? await startRedis() : undefined;
    api = await startApi({
      CAUSEWAY_KEY_PEPPER: PEPPER,
      RATE_LIMIT_INGEST: '0',
      ...(redis === undefined ? {} : { REDIS_URL: redis.url }),
    });
    key = await mintKey(api.url, api.adminKey, 'erase-c', ['INGEST', 'READ']);
    eraser = await mintKey(api.url, api.adminKey, 'erase-c', ['ERASE']);
  });
  afterAll(async () => {
    await api?.dispose();
    await redis?.stop();
  });

  (runs ? it : it.skip)(
    "leaves nothing of the person and loses nothing of anyone else's",
    async () => {
      const batches = Array.from({ length: 16 }, (_, i) => signalBatch('erase', i, 970));
      const victimRows = (batch: SignalBatch) =>
        batch.body.split('\n').filter((l) => l.includes(`"person_id":"${victim}"`)).length;
      // Two producers send the batches while the erasure runs between them.
      const answers: { batch: SignalBatch; status: number }[] = [];
      const producer = async (own: SignalBatch[]) => {
        for (const batch of own) {
          const answer = await postIngest(api.url, key, 'signals', batch.body);
          answers.push({ batch, status: answer.status });
        }
      };
      const sending = Promise.all([
        producer(batches.filter((_, i) => i % 2 === 0)),
        producer(batches.filter((_, i) => i % 2 === 1)),
      ]);
      while (answers.length < 4) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const answeredBefore = answers.length;
      const { erasePerson } = await gqlData<{
        erasePerson: { rowsDeleted: Record<string, number> };
      }>(api.url, eraser, `mutation($p: ID!) { erasePerson(personId: $p) { rowsDeleted } }`, {
        p: victim,
      });
      const answeredByEnd = answers.length;
      await sending;
      // One batch more, sent once the erasure has answered, so that some rows of the person always
      // meet the block: the producers may have sent every batch of theirs before it landed.
      await producer([signalBatch('erase', batches.length, 970)]);

      const timeline = await gqlData<{ personTimeline: unknown[] }>(
        api.url,
        key,
        `query($p: ID!) { personTimeline(personId: $p) { id } }`,
        { p: victim },
      );
      const { rejectedRows } = await gqlData<{ rejectedRows: { reason: string; raw: string }[] }>(
        api.url,
        key,
        '{ rejectedRows(limit: 1000) { reason raw } }',
      );
      // Queued batches are written by the processor after their answer: wait for the last one.
      const expected = answers.reduce((n, { batch }) => n + batch.rows - victimRows(batch), 0);
      for (let waited = 0; waited < 30_000; waited += 200) {
        const all = [...(await measuredByType(api.url, key)).values()].reduce((a, b) => a + b, 0);
        if (all >= expected) {
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const measured = await measuredByType(api.url, key);
      const rows = answers.map(({ batch, status }) => ({
        acknowledged: status === 200,
        sent: batch.rows - victimRows(batch),
        measured: measured.get(batch.type) ?? 0,
      }));
      const { lost, doubleCounted } = recordRows(SUITE, rows);
      const survivors = timeline.personTimeline.length;
      const namedInRejects = rejectedRows.filter((r) => r.raw.includes(victim)).length;
      const blocked = rejectedRows.filter((r) => r.reason === 'erased').length;
      const survived = survivors === 0 && namedInRejects === 0 && lost === 0 && doubleCounted === 0;
      fault(
        `erasure while two producers ingest, ${mode} mode`,
        survived,
        `${answers.length} batches of 970 rows, the erasure asked after ${answeredBefore} were answered and done after ${answeredByEnd}; ${erasePerson.rowsDeleted.signals} of the person's rows deleted, ${blocked} refused as erased afterwards, ${survivors} left; ${lost} rows of others lost, ${doubleCounted} counted twice`,
      );
      recordFigures(SUITE, (f) =>
        f.checks.push(
          `erasure under concurrent ingest (${mode}): ${survivors} rows of the person left, ${lost} other rows lost`,
        ),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(survivors).toBe(0);
      expect(namedInRejects).toBe(0);
      expect(blocked).toBeGreaterThan(0);
      expect(lost).toBe(0);
      expect(doubleCounted).toBe(0);
    },
  );
});

describe('backup during ingest, a backup killed half-way, restore into an empty directory', () => {
  const backups = mkdtempSync(join(tmpdir(), 'causeway-reliability-backups-'));
  const restoredDir = mkdtempSync(join(tmpdir(), 'causeway-reliability-restored-'));
  let api: ApiProcess;
  let key: string;
  let period: { from: string; to: string };

  beforeAll(async () => {
    api = await startApi({
      CAUSEWAY_KEY_PEPPER: PEPPER,
      RATE_LIMIT_INGEST: '0',
      CAUSEWAY_BACKUP_ROOT: backups,
    });
    key = await mintKey(api.url, api.adminKey, 'backup-r', ['INGEST', 'READ']);
    const program = await uploadDemoProgram(api.url, key, { seed: 3, persons: 800 });
    period = { from: program.period.from.toISOString(), to: program.period.to.toISOString() };
  });
  afterAll(async () => {
    await api.dispose();
    rmSync(backups, { recursive: true, force: true });
    rmSync(restoredDir, { recursive: true, force: true });
  });

  const backup = (to: string, base?: string) =>
    gqlData<{ backup: { bytes: number } }>(
      api.url,
      api.adminKey,
      'mutation($to: String!, $base: String) { backup(to: $to, base: $base) { id bytes } }',
      { to, base: base ?? null },
    );

  it('restores every count, measure and key of the last whole backup', async () => {
    // A full backup while a producer sends batches: each batch is in it whole or not at all.
    const batches = Array.from({ length: 10 }, (_, i) => signalBatch('bk', i, 500));
    const sending = (async () => {
      for (const batch of batches) {
        expect((await postIngest(api.url, key, 'signals', batch.body)).status).toBe(200);
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    // Through the command line, which asks the API that holds the store.
    await run(
      process.execPath,
      [cli, 'backup', '--to', join(backups, 'full'), '--url', api.url, '--key', api.adminKey],
      { cwd: root, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' } },
    );
    await sending;
    // The nightly incremental, at rest: what a restore must give back exactly.
    await backup(join(backups, 'incr'), join(backups, 'full'));
    const before = await gqlData(api.url, key, MEASURES, period);

    // A third backup, the API killed while it writes: the earlier ones are untouched.
    const killed = join(backups, 'killed');
    const taking = backup(killed).catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (!readdirSync(backups).some((d) => d.startsWith('killed.partial-'))) {
      if (Date.now() > deadline || existsSync(killed)) {
        break;
      }
      await new Promise((r) => setImmediate(r));
    }
    const midway = readdirSync(backups).some((d) => d.startsWith('killed.partial-'));
    await api.stop('SIGKILL');
    await taking;
    const killedLooksWhole = existsSync(killed);
    // No process holds the store now: the command line backs it up itself, on the last backup.
    await run(
      process.execPath,
      [cli, 'backup', '--to', join(backups, 'offline'), '--base', join(backups, 'incr')],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', CAUSEWAY_DATA_DIR: api.dataDir },
      },
    );
    expect(existsSync(join(backups, 'offline', 'causeway-backup.json'))).toBe(true);

    const env = {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      CAUSEWAY_DATA_DIR: restoredDir,
      CAUSEWAY_KEY_PEPPER: PEPPER,
    };
    const restoring = Date.now();
    await run(process.execPath, [cli, 'restore', '--from', join(backups, 'incr')], {
      cwd: root,
      env,
    });
    const restoreMs = Date.now() - restoring;
    const restored = await startApi(env);
    try {
      const after = await gqlData(restored.url, key, MEASURES, period);
      const equal = JSON.stringify(after) === JSON.stringify(before);
      fault(
        'API killed (SIGKILL) during a backup',
        equal && !(midway && killedLooksWhole),
        `killed ${midway ? 'while the engine wrote' : 'around'} the third backup (${killedLooksWhole ? 'it had finished' : 'left as .partial-, never as a whole backup'}); the incremental backup before it restored into an empty directory in ${restoreMs} ms with every count and measure equal and the same API key`,
      );
      recordFigures(SUITE, (f) =>
        f.checks.push(
          `restore into an empty directory: ${restoreMs} ms, counts and measures ${equal ? 'equal' : 'DIFFERENT'}, API key accepted`,
        ),
      );
      expect(after).toEqual(before);
      expect(midway && killedLooksWhole).toBe(false);
    } finally {
      await restored.stop();
    }
  });
});
