// The links an alert's messages carry, made on a real embedded store: a share link of the lift
// report of the period the alert's rule read (docs/design.md §8), one per period, each alert at
// the section that shows its figures; none for the kinds the report does not show.

import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../config/index.js';
import { storeForSuite } from '../../storage/testing.js';
import { warningsForSuite } from '../../testing/index.js';
import { ShareLinksRepository } from '../share/share-links.repository.js';
import { hashShareToken } from '../share/share-token.js';
import { shareLinksOn } from '../share/testing.js';
import { AlertKind, AlertState } from './alert-kind.js';
import { AlertLinks } from './alert-links.js';
import type { StoredAlert } from './alerts.repository.js';

const AS_OF = new Date('2026-10-31T00:00:00Z');
const HOUR = 3_600_000;

function alert(alertId: string, kind: AlertKind): StoredAlert {
  return {
    tenantId: 't',
    alertId,
    kind,
    triggerId: kind === AlertKind.STALE_SIGNALS ? 'cart' : null,
    subject: 'cart',
    state: AlertState.OPEN,
    openedAt: AS_OF,
    resolvedAt: null,
    summary: 's',
    evidence: '{}',
    asOf: AS_OF,
  };
}

describe('the links of alert messages', () => {
  const store = storeForSuite();
  const warnings = warningsForSuite();

  function build(env: Record<string, string>) {
    const config = loadConfig({ CAUSEWAY_DATA_DIR: store.dataDir, ...env });
    const shareLinks = shareLinksOn(store, config);
    return { shareLinks, links: new AlertLinks(config, shareLinks) };
  }

  it('links each alert the report shows to its section, one share link per period read', async () => {
    const { shareLinks, links } = build({ PUBLIC_URL: 'https://causeway.example.com/' });
    const made = await links.forAlerts('t', [
      alert('al_srm', AlertKind.SRM),
      alert('al_harm', AlertKind.HARM),
      alert('al_consent', AlertKind.CONSENT_VIOLATION),
      alert('al_latency', AlertKind.LATENCY_OUT_OF_WINDOW),
      alert('al_stale', AlertKind.STALE_SIGNALS),
      alert('al_rejected', AlertKind.REJECTED_ROWS),
    ]);
    const link = /^https:\/\/causeway\.example\.com\/share\/([A-Za-z0-9_-]{43})#([a-z]+)$/;
    const parts = new Map([...made].map(([id, url]) => [id, link.exec(url)?.slice(1)]));
    expect(new Map([...parts].map(([id, p]) => [id, p?.[1]]))).toEqual(
      new Map([
        ['al_srm', 'lift'],
        ['al_harm', 'harm'],
        ['al_consent', 'compliance'],
        ['al_latency', 'latency'],
      ]),
    );
    // the 28-day rules share one token, the last-day rules another
    expect(parts.get('al_harm')?.[0]).toBe(parts.get('al_srm')?.[0]);
    expect(parts.get('al_latency')?.[0]).toBe(parts.get('al_consent')?.[0]);
    expect(parts.get('al_consent')?.[0]).not.toBe(parts.get('al_srm')?.[0]);
    const stored = await shareLinks.list('t');
    expect(
      stored
        .map((l) => [l.resource, l.from?.toISOString(), l.to?.toISOString()])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    ).toEqual([
      ['LIFT_REPORT', '2026-10-03T00:00:00.000Z', '2026-10-31T00:00:00.000Z'],
      ['LIFT_REPORT', '2026-10-30T00:00:00.000Z', '2026-10-31T00:00:00.000Z'],
    ]);
    // valid two weeks
    expect(stored.map((l) => (l.expiresAt.getTime() - l.createdAt.getTime()) / HOUR)).toEqual([
      336, 336,
    ]);
    expect(warnings).toEqual([]);
  });

  it('makes none for alerts the report does not show, and warns when the links point nowhere', async () => {
    const { links } = build({ PORT: '3456' });
    expect(await links.forAlerts('u', [alert('al_digest', AlertKind.DIGEST_NOT_SENT)])).toEqual(
      new Map(),
    );
    expect(warnings).toEqual([]);
    const made = await links.forAlerts('u', [alert('al_loss', AlertKind.LOSS)]);
    expect(made.get('al_loss')).toMatch(/^http:\/\/localhost:3456\/share\/[A-Za-z0-9_-]{43}#lift$/);
    expect(warnings).toEqual([
      expect.stringContaining(
        'alerts of tenant u: PUBLIC_URL is not set, so their report links point to http://localhost:3456',
      ),
    ]);
  });
  it('makes the link of a period once for the messages that carry it, which a retry of them carries again', async () => {
    const { shareLinks, links } = build({ PUBLIC_URL: 'https://causeway.example.com/' });
    const loss = alert('al_loss', AlertKind.LOSS);
    const harm = alert('al_harm', AlertKind.HARM);
    const first = await links.forMessages('m', [loss, harm]);
    // the retry (the next evaluation) judges them as of later: their period moves, their
    // messages (al_loss-opened, al_harm-opened) do not
    const later = new Date(AS_OF.getTime() + HOUR);
    const retried = await links.forMessages('m', [
      { ...harm, asOf: later },
      { ...loss, asOf: later },
    ]);
    const link = /^(https:\/\/causeway\.example\.com\/share\/[A-Za-z0-9_-]{43})#([a-z]+)$/;
    expect(link.exec(first.get('al_loss') ?? '')?.[2]).toBe('lift');
    expect(link.exec(first.get('al_harm') ?? '')?.[2]).toBe('harm');
    expect(link.exec(first.get('al_harm') ?? '')?.[1]).toBe(
      link.exec(first.get('al_loss') ?? '')?.[1],
    );
    expect(retried).toEqual(first);
    const stored = await shareLinks.list('m');
    expect(stored.map((l) => [l.resource, l.from?.toISOString(), l.to?.toISOString()])).toEqual([
      ['LIFT_REPORT', '2026-10-03T00:00:00.000Z', '2026-10-31T00:00:00.000Z'],
    ]);
    // other messages have their own: the alert.resolved of one, the same ids in another tenant
    const resolved = await links.forMessages('m', [{ ...loss, state: AlertState.RESOLVED }]);
    const elsewhere = await links.forMessages('n', [
      { ...loss, tenantId: 'n' },
      { ...harm, tenantId: 'n' },
    ]);
    const tokens = [first, resolved, elsewhere].map((m) => link.exec(m.get('al_loss') ?? '')?.[1]);
    expect(new Set(tokens).size).toBe(3);
    expect(await shareLinks.list('m')).toHaveLength(2);
    expect(await shareLinks.list('n')).toHaveLength(1);
  });
  it('carries a new link that opens on a retry whose first link no longer does: revoked, or expired', async () => {
    const { shareLinks, links } = build({ PUBLIC_URL: 'https://causeway.example.com/' });
    const repository = new ShareLinksRepository(store.clickhouse);
    const loss = alert('al_loss', AlertKind.LOSS);
    const token = (made: Map<string, string>) =>
      /\/share\/([A-Za-z0-9_-]{43})#lift$/.exec(made.get('al_loss') ?? '')?.[1] ?? '';
    const opensNow = async (made: Map<string, string>) => {
      const link = await repository.byTokenHash(hashShareToken(token(made)));
      return link !== undefined && link.revokedAt === null && link.expiresAt > new Date();
    };

    const first = await links.forMessages('rv', [loss]);
    const [revoked] = await shareLinks.list('rv');
    await shareLinks.revoke('rv', revoked.linkId);
    const afterRevoke = await links.forMessages('rv', [loss]);
    expect(token(afterRevoke)).not.toBe(token(first));
    expect(await opensNow(first)).toBe(false);
    expect(await opensNow(afterRevoke)).toBe(true);

    const before = await links.forMessages('ex', [loss]);
    const [expiring] = await shareLinks.list('ex');
    await repository.save({ ...expiring, expiresAt: new Date(Date.now() - HOUR) });
    const afterExpiry = await links.forMessages('ex', [loss]);
    expect(token(afterExpiry)).not.toBe(token(before));
    expect(await opensNow(before)).toBe(false);
    expect(await opensNow(afterExpiry)).toBe(true);
  });
});
