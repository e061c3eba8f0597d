import { beforeAll, describe, expect, it } from '@jest/globals';
import { fixtureRows, seededStore, seedRows } from '../common/testing.js';
import { ConsentAuditService } from './consent-audit.service.js';
import type { ConsentAudit } from './models/consent-audit.model.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => `2026-${iso}Z`;
const from = new Date(at('10-10T00:00:00'));
const to = new Date(at('10-20T00:00:00'));

const { trigger, firing: sent, consent } = fixtureRows(at);
/** A marketing consent event occurring at `when` that `source` recorded at `recorded`. */
const recordedBy = (
  eventId: string,
  personId: string,
  granted: boolean,
  when: string,
  source: string,
  recorded: string,
) => consent(eventId, personId, 'marketing', granted, when, { source, recorded_at: at(recorded) });

const triggers = [
  trigger('tM', 'push', { consent_purpose: 'marketing' }),
  trigger('tN', 'email', { consent_purpose: 'newsletter' }),
  trigger('tC', 'web', { consent_purpose: '', status: 'draft' }), // names no purpose: not audited
  trigger('tZ', 'sms', { consent_purpose: 'profiling' }), // never fires: listed with zeros
];

const firings = [
  sent('m1', 'tM', 'c1', '10-12T00:00:00'),
  sent('n1', 'tN', 'c1', '10-12T00:00:00'),
  sent('h1', 'tM', 'c1', '10-12T00:00:00', { arm: 'holdout' }), // not sent
  sent('k1', 'tM', 'c1', '10-12T00:00:00', { skip_reason: 'consent' }), // not sent
  sent('w1', 'tC', 'c1', '10-12T00:00:00'), // no purpose
  sent('m2', 'tM', 'c2', '10-12T00:00:00'),
  sent('m3', 'tM', 'c3', '10-12T00:00:00'),
  sent('m4', 'tM', 'c4', '10-12T00:00:00'),
  sent('m5', 'tM', 'c5', '10-12T00:00:00'),
  sent('m6', 'tM', 'c6', '10-12T00:00:00'),
  sent('m7', 'tM', 'c7', '10-11T00:00:00'),
  sent('m8', 'tM', 'c8', '10-11T12:00:00'),
  sent('m9', 'tM', 'c1', '10-20T00:00:00'), // at `to`: outside the period
];

const events = [
  // c1: granted, then revoked 7 days before m1; newsletter granted.
  consent('e1g', 'c1', 'marketing', true, '10-01T00:00:00'),
  consent('e1r', 'c1', 'marketing', false, '10-05T00:00:00'),
  consent('e1n', 'c1', 'newsletter', true, '10-01T00:00:00'),
  // c2: grants only after m2.
  consent('e2g', 'c2', 'marketing', true, '10-13T00:00:00'),
  // c3: granted, revoked, granted again.
  consent('e3g', 'c3', 'marketing', true, '10-01T00:00:00'),
  consent('e3r', 'c3', 'marketing', false, '10-05T00:00:00'),
  consent('e3G', 'c3', 'marketing', true, '10-08T00:00:00'),
  // c4: grants at the very instant of m4 (occurred_at ≤ t), recorded 30 s later by the ESP.
  recordedBy('e4g', 'c4', true, '10-12T00:00:00', 'esp', '10-12T00:00:30'),
  // c5: revokes 1 ms after m5, recorded an hour later by the CRM.
  consent('e5g', 'c5', 'marketing', true, '10-01T00:00:00'),
  recordedBy('e5r', 'c5', false, '10-12T00:00:00.001', 'crm', '10-12T01:00:00.001'),
  // c6: granted another purpose only.
  consent('e6n', 'c6', 'newsletter', true, '10-01T00:00:00'),
  // c7: a grant and a revocation at the same instant; the later recorded (the revocation) wins,
  // though the grant has the larger event_id.
  recordedBy('e7z', 'c7', true, '10-03T00:00:00', 'esp', '10-03T01:00:00'),
  recordedBy('e7b', 'c7', false, '10-03T00:00:00', 'esp', '10-03T02:00:00'),
  // c8: revoked 12 h before m8, recorded 6 h late by the CRM.
  consent('e8g', 'c8', 'marketing', true, '10-01T00:00:00'),
  recordedBy('e8r', 'c8', false, '10-11T00:00:00', 'crm', '10-11T06:00:00'),
  // c99: recorded just outside the period on either side.
  recordedBy('e99a', 'c99', true, '10-09T00:00:00', 'crm', '10-09T23:59:59.999'),
  recordedBy('e99b', 'c99', true, '10-19T00:00:00', 'esp', '10-20T00:00:00'),
];

// Copies delivered again in a later batch (a separate part, before any merge).
const redelivered = {
  firings: [sent('m1', 'tM', 'c1', '10-12T00:00:00')],
  consent: [recordedBy('e8r', 'c8', false, '10-11T00:00:00', 'crm', '10-11T06:00:00')],
};

// Another tenant: its grant for c2 must not make m2 compliant, nor its rows count.
const otherTenant = {
  triggers: [trigger('tM', 'push', { consent_purpose: 'marketing' })],
  firings: [sent('m1', 'tM', 'c1', '10-12T00:00:00'), sent('b1', 'tM', 'c9', '10-12T00:00:00')],
  consent: [
    consent('e2g', 'c2', 'marketing', true, '10-01T00:00:00'),
    recordedBy('b-e', 'c9', true, '10-11T00:00:00', 'crm', '10-15T00:00:00'),
  ],
};

describe('consent audit on the embedded engine', () => {
  const rows = { triggers, firings, consent: events };
  const store = seededStore({ rows, redelivered, otherTenant });
  let service: ConsentAuditService;
  let audit: ConsentAudit;

  beforeAll(async () => {
    service = new ConsentAuditService(store.clickhouse);
    audit = await service.audit('tenant-a', { from, to });
  });

  // By hand, the state of (person, marketing) at each tM decision:
  //   m1 c1 revoked 10-05           non-compliant, lag 7 d
  //   m2 c2 no event yet            non-compliant, no lag (never granted by then)
  //   m3 c3 granted again 10-08     compliant
  //   m4 c4 granted at t            compliant (occurred_at ≤ t)
  //   m5 c5 granted (revoked t+1ms) compliant
  //   m6 c6 newsletter only         non-compliant, no lag
  //   m7 c7 tie -> revoked 10-03    non-compliant, lag 8 d
  //   m8 c8 revoked 12 h before     non-compliant, lag 12 h
  // tN: n1, c1 granted newsletter: compliant. tZ: never fired.
  it('counts non-compliant activations per trigger', () => {
    expect(audit.byTrigger).toEqual([
      {
        triggerId: 'tM',
        purpose: 'marketing',
        sentFirings: 8,
        nonCompliant: 5,
        nonCompliantRate: 5 / 8,
      },
      {
        triggerId: 'tN',
        purpose: 'newsletter',
        sentFirings: 1,
        nonCompliant: 0,
        nonCompliantRate: 0,
      },
      {
        triggerId: 'tZ',
        purpose: 'profiling',
        sentFirings: 0,
        nonCompliant: 0,
        nonCompliantRate: 0,
      },
    ]);
    expect(audit.nonCompliantActivations).toBe(5);
    // m1, m7, m8 were sent under a revocation; m2 and m6 with no event for the purpose
    expect(audit.revokedActivations).toBe(3);
    expect(audit.sentFirings).toBe(9);
  });

  it('measures the sync lag from the revocation in force', () => {
    // Lags 12 h, 7 d, 8 d: p50 = 7 d; p90 = 7 d + 0.8 × (8 d − 7 d) = 673,920,000 ms exactly,
    // which the engine's interpolation reads 673919999.9999999 before rounding
    expect(audit.syncLagP50Ms).toBe(7 * DAY);
    expect(audit.syncLagP90Ms).toBe(673_920_000);
  });

  it('measures how late each source recorded the consent events recorded in the period', () => {
    // crm: e5r 1 h, e8r 6 h (e99a recorded before the period); esp: e4g 30 s (e99b at `to`,
    // e7z/e7b recorded 10-03).
    expect(audit.bySource).toEqual([
      { source: 'crm', events: 2, recordedLagP50Ms: 3.5 * HOUR, recordedLagP90Ms: 5.5 * HOUR },
      { source: 'esp', events: 1, recordedLagP50Ms: 30_000, recordedLagP90Ms: 30_000 },
    ]);
  });

  it('measures only the firings and records of a narrower period', async () => {
    // [10-11T00:00, 10-11T12:00:00.001): m7 (lag 8 d) and m8 (lag 12 h); e8r recorded 10-11T06:00.
    const narrow = await service.audit('tenant-a', {
      from: new Date(at('10-11T00:00:00')),
      to: new Date(at('10-11T12:00:00.001')),
    });
    expect(narrow.byTrigger.map((t) => [t.triggerId, t.sentFirings, t.nonCompliant])).toEqual([
      ['tM', 2, 2],
      ['tN', 0, 0],
      ['tZ', 0, 0],
    ]);
    expect(narrow.syncLagP50Ms).toBe((8 * DAY + 12 * HOUR) / 2);
    expect(narrow.bySource).toEqual([
      { source: 'crm', events: 1, recordedLagP50Ms: 6 * HOUR, recordedLagP90Ms: 6 * HOUR },
    ]);
  });

  it('takes the sync lag from revocations only', async () => {
    // The instant 10-12T00:00: m1 (revoked, 7 d), m2 (never granted) and m6 (other purpose) are
    // non-compliant; only m1 has a lag.
    const instant = await service.audit('tenant-a', {
      from: new Date(at('10-12T00:00:00')),
      to: new Date(at('10-12T00:00:00.001')),
    });
    expect(instant.nonCompliantActivations).toBe(3);
    expect([instant.syncLagP50Ms, instant.syncLagP90Ms]).toEqual([7 * DAY, 7 * DAY]);
  });

  it('gives the sync lag in whole milliseconds, without the interpolation noise of doubles', async () => {
    // lags 0 (revoked at the instant of the send) and 9 d: p90 = 0.9 × 777,600,000 ms =
    // 699,840,000 ms, which the engine's interpolation reads 699839999.9999999
    await seedRows(store.clickhouse, 'tenant-lag', {
      triggers: [trigger('tM', 'push', { consent_purpose: 'marketing' })],
      firings: [sent('l1', 'tM', 'd1', '10-12T00:00:00'), sent('l2', 'tM', 'd2', '10-12T00:00:00')],
      consent: [
        consent('d1g', 'd1', 'marketing', true, '10-01T00:00:00'),
        consent('d1r', 'd1', 'marketing', false, '10-12T00:00:00'),
        consent('d2g', 'd2', 'marketing', true, '10-01T00:00:00'),
        consent('d2r', 'd2', 'marketing', false, '10-03T00:00:00'),
      ],
    });
    const lagged = await service.audit('tenant-lag', { from, to });
    expect([lagged.syncLagP50Ms, lagged.syncLagP90Ms]).toEqual([388_800_000, 699_840_000]);
  });

  it('gives null sync lags when no non-compliant activation followed a revocation', async () => {
    // tenant-b: m1 (c1 never granted there) is non-compliant without a revocation; b1 is granted.
    const other = await service.audit('tenant-b', { from, to });
    expect(other).toMatchObject({
      nonCompliantActivations: 1,
      sentFirings: 2,
      syncLagP50Ms: null,
      syncLagP90Ms: null,
    });
  });
});
