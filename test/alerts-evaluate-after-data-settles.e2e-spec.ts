// The alert schedule: a tenant's alerts are evaluated by themselves once its data has rested for
// ALERT_EVALUATE_EVERY_MS after an ingest, with no call to evaluateAlerts. The API runs in this
// process on a real embedded store.

import { describe, expect, it } from '@jest/globals';
import { AppConfig } from '../libs/config/index.js';
import {
  ConsentAuditService,
  FreshnessService,
  GuardrailsService,
  LatencyService,
  LiftService,
} from '../libs/measurement/index.js';
import {
  AlertLinks,
  AlertsRepository,
  AlertsService,
  DigestsRepository,
  WebhooksService,
} from '../libs/notify/index.js';
import { ClickHouseService } from '../libs/storage/index.js';
import { gqlData, mintKey, postIngest } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';

const SETTLE_MS = 1_500;

/** NDJSON lines of `valid` signals of a type occurring now, then `invalid` ones lacking fields. */
function signalLines(idPrefix: string, type: string, valid: number, invalid: number): string[] {
  return [
    ...Array.from({ length: valid }, (_, i) =>
      JSON.stringify({
        event_id: `${idPrefix}-${i}`,
        person_id: `p-${i}`,
        type,
        occurred_at: new Date().toISOString(),
      }),
    ),
    ...Array.from({ length: invalid }, (_, i) => JSON.stringify({ event_id: `bad-${i}` })),
  ];
}

describe('alerts evaluated once the data settles', () => {
  const api = inProcessApiForSuite('settle', ADMIN_KEY, () => ({
    ALERT_EVALUATE_EVERY_MS: String(SETTLE_MS),
  }));

  it('opens REJECTED_ROWS by itself after the last ingest rests', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'settles', ['INGEST', 'READ']);
    const lines = signalLines('s', 'page_view', 190, 10);
    const answer = await postIngest(api.url, key, 'signals', lines.join('\n'));
    expect([answer.body.accepted, answer.body.rejected]).toEqual([190, 10]);
    const ingestedAt = Date.now();
    type Row = { kind: string; subject: string; openedAt: string };
    let open: Row[] = [];
    const deadline = Date.now() + 30_000;
    while (open.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      open = (
        await gqlData<{ alerts: Row[] }>(
          api.url,
          key,
          `{ alerts(state: OPEN) { kind subject openedAt } }`,
        )
      ).alerts;
    }
    expect(open.map((a) => [a.kind, a.subject])).toEqual([['REJECTED_ROWS', 'signals']]);
    // not before the data had rested
    expect(Date.parse(open[0].openedAt)).toBeGreaterThanOrEqual(ingestedAt + SETTLE_MS - 1_000);
  });

  it('opens one alert when two processes evaluate the same tenant at once', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'twice', ['INGEST', 'READ']);
    const lines = signalLines('t', 'login', 95, 5);
    await postIngest(api.url, key, 'signals', lines.join('\n'));
    // a second evaluator as another process would have it: its own service over the same store
    const app = api.app;
    const strict = { strict: false };
    const other = new AlertsService(
      app.get(AppConfig, strict),
      app.get(ClickHouseService, strict),
      app.get(AlertsRepository, strict),
      app.get(LiftService, strict),
      app.get(GuardrailsService, strict),
      app.get(ConsentAuditService, strict),
      app.get(LatencyService, strict),
      app.get(FreshnessService, strict),
      app.get(WebhooksService, strict),
      app.get(DigestsRepository, strict),
      app.get(AlertLinks, strict),
    );
    const asOf = new Date(Date.now() + 1_000);
    const [mine, theirs] = await Promise.all([
      app.get(AlertsService, strict).evaluate('twice', asOf),
      other.evaluate('twice', asOf),
    ]);
    // both found it new (the schedule waits for the data to rest) and named it alike
    expect(mine.opened).toHaveLength(1);
    expect(mine.opened.map((a) => a.alertId)).toEqual(theirs.opened.map((a) => a.alertId));
    const all = await gqlData<{ alerts: { id: string; kind: string }[] }>(
      api.url,
      key,
      `{ alerts { id kind } }`,
    );
    expect(all.alerts.map((a) => a.kind)).toEqual(['REJECTED_ROWS']);
  });
});
