// Every alert message and digest makes a share link: on a real embedded store, the list shows the
// links that still work unless asked for the expired ones too, an expired link is kept (and
// answers like any dead link) for 30 days after it expires, and leaves after (the table's TTL).

import { describe, expect, it } from '@jest/globals';
import { Scope } from '../../auth/index.js';
import { storeForSuite } from '../../storage/testing.js';
import { ShareLinksRepository, ShareResource } from './share-links.repository.js';
import { ShareLinksResolver } from './share-links.resolver.js';
import { hashShareToken, newShareToken } from './share-token.js';
import { shareLinksOn } from './testing.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('expired share links, listed on request and gone after their grace', () => {
  const store = storeForSuite();
  const service = () => shareLinksOn(store);
  /** Tokens of the links saved, by link id. */
  const tokens = new Map<string, string>();

  /** Saves a link of tenant t that expires `expiresIn` ms from now (negative: expired). */
  async function saveLink(linkId: string, expiresIn: number, revoked = false): Promise<void> {
    const token = newShareToken();
    tokens.set(linkId, token);
    const now = Date.now();
    await new ShareLinksRepository(store.clickhouse).save({
      tenantId: 't',
      linkId,
      tokenHash: hashShareToken(token),
      resource: ShareResource.LIFT_REPORT,
      from: new Date('2026-10-01T00:00:00Z'),
      to: new Date('2026-10-08T00:00:00Z'),
      snapshotId: null,
      createdAt: new Date(now + expiresIn - 14 * DAY),
      expiresAt: new Date(now + expiresIn),
      revokedAt: revoked ? new Date(now - HOUR) : null,
    });
  }

  const ids = async (includeExpired?: boolean) =>
    (await service().list('t', includeExpired)).map((link) => link.linkId).sort();

  it('lists the links that still work by default, the expired ones kept on request', async () => {
    await saveLink('sl_live', HOUR);
    await saveLink('sl_revoked', HOUR, true);
    await saveLink('sl_expired_29d', -29 * DAY);
    expect(await ids()).toEqual(['sl_live', 'sl_revoked']);
    expect(await ids(true)).toEqual(['sl_expired_29d', 'sl_live', 'sl_revoked']);
  });

  it('answers shareLinks with the links that work, and includeExpired: true with the kept ones', async () => {
    const resolver = new ShareLinksResolver(service());
    const principal = { keyId: 'k', tenantId: 't', scopes: [Scope.READ] };
    const listed = async (includeExpired: boolean) =>
      (await resolver.shareLinks(principal, includeExpired)).map((link) => link.id).sort();
    expect(await listed(false)).toEqual(['sl_live', 'sl_revoked']);
    expect(await listed(true)).toEqual(['sl_expired_29d', 'sl_live', 'sl_revoked']);
  });

  it('keeps answering an expired link as a dead one, and lets it be revoked', async () => {
    await expect(service().open(tokens.get('sl_expired_29d')!, 'html')).resolves.toBeUndefined();
    await expect(service().revoke('t', 'sl_expired_29d')).resolves.toBe(true);
    const [revoked] = (await service().list('t', true)).filter(
      (link) => link.linkId === 'sl_expired_29d',
    );
    expect(revoked?.revokedAt).not.toBeNull();
  });

  it('removes a link 30 days after it expired, and keeps the others', async () => {
    await saveLink('sl_expired_31d', -31 * DAY);
    // the merge that the engine would run in its own time
    await store.clickhouse.command('test.share_merge', 'OPTIMIZE TABLE share_links FINAL');
    // 31 days past expiry is past the 30-day grace; 29 days (and its revocation) is within it
    expect(await ids(true)).toEqual(['sl_expired_29d', 'sl_live', 'sl_revoked']);
  });
});
