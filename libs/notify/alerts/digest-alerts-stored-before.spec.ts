// A DIGEST_NOT_SENT alert stored before its summary said what failed instead of the error's text:
// the migrations rewrite it on the real embedded store, so that its alert.resolved, which repeats
// the summary to the tenant's webhooks and Slack, names no refused staff address.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { ClickHouseService, loadMigrations, Migrator } from '../../storage/index.js';
import { AlertsRepository } from './alerts.repository.js';
import { alertText } from './alerts.service.js';

const REFUSED = 'gone.staff@example.com';

describe('a DIGEST_NOT_SENT alert stored before it named what failed', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'causeway-digest-alerts-'));
  let clickhouse: ClickHouseService;

  beforeAll(async () => {
    clickhouse = new ClickHouseService(
      loadConfig({ CAUSEWAY_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }),
    );
    await new Migrator(
      clickhouse,
      loadMigrations().filter((m) => m.version < 125),
    ).run();
    // as the rule wrote it then: the summary and evidence quoting the mail server's reply
    const error = `the mail server did not take the digest: Can't send mail - all recipients were rejected: 550 5.1.1 <${REFUSED}>: Recipient address rejected: User unknown`;
    const row = (alertId: string, kind: string, summary: string, evidence: object) => ({
      tenant_id: 'acme',
      alert_id: alertId,
      kind,
      trigger_id: '',
      subject: kind === 'DIGEST_NOT_SENT' ? 'digest' : 'checkout',
      state: 'OPEN',
      opened_at: '2026-12-07 07:16:00.000',
      resolved_at: null,
      summary,
      evidence: JSON.stringify(evidence),
      as_of: '2026-12-07 07:16:00.000',
      version: 1,
    });
    await clickhouse.insert({
      table: 'alerts',
      tag: 'test.alerts_before',
      rows: [
        row(
          'al_digest',
          'DIGEST_NOT_SENT',
          `the digest was not sent at 7 Dec 2026, 07:15 UTC: ${error}`,
          {
            failedAt: '2026-12-07T07:15:02.000Z',
            error,
          },
        ),
        row('al_srm', 'SRM', 'checkout: sample ratio mismatch (p < 0.001)', { p: 0.0001 }),
      ],
    });
    await new Migrator(clickhouse).run();
  });
  afterAll(async () => {
    await clickhouse?.onApplicationShutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says when it failed and where to read why, and leaves other alerts as they were', async () => {
    const alerts = await new AlertsRepository(clickhouse).list('acme', { limit: 10 });
    const digest = alerts.find((a) => a.alertId === 'al_digest');
    expect(digest?.summary).toBe(
      "the digest was not sent at 7 Dec 2026, 07:15 UTC; the digest's lastError (read with a key of the tenant) says why",
    );
    expect(JSON.parse(digest?.evidence ?? '')).toEqual({
      failedAt: '2026-12-07T07:15:02.000Z',
      kind: null,
    });
    expect(alertText(digest!, 'resolved')).not.toContain(REFUSED);
    const srm = alerts.find((a) => a.alertId === 'al_srm');
    expect(srm?.summary).toBe('checkout: sample ratio mismatch (p < 0.001)');
    expect(JSON.parse(srm?.evidence ?? '')).toEqual({ p: 0.0001 });
  });
});
