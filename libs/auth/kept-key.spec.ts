import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiKeysService } from './api-keys.service.js';
import { keptKey } from './kept-key.js';
import { Scope } from './keys.js';
import { openKeyStore, type KeyStore } from './testing.js';

describe('a key kept in a file across runs', () => {
  let opened: KeyStore;
  let keys: ApiKeysService;
  let dir: string;
  const scopes = [Scope.INGEST, Scope.READ];

  beforeAll(async () => {
    opened = await openKeyStore();
    keys = opened.keys;
    dir = mkdtempSync(join(tmpdir(), 'kept-key-'));
  });
  afterAll(async () => {
    await opened.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const live = async (tenantId: string) =>
    (await keys.list(tenantId)).filter((k) => k.revokedAt === null);

  it('mints one key on the first run and hands out the same one on every later run', async () => {
    const file = join(dir, 'first');
    const first = await keptKey(keys, file, 'demo-a', scopes);
    expect(first.origin).toBe('minted');
    expect(readFileSync(file, 'utf8')).toBe(`${first.key}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = [
      await keptKey(keys, file, 'demo-a', scopes),
      await keptKey(keys, file, 'demo-a', scopes),
    ];
    expect(again.map((k) => [k.key, k.origin])).toEqual([
      [first.key, 'kept'],
      [first.key, 'kept'],
    ]);
    expect(await live('demo-a')).toHaveLength(1);
    await expect(keys.authenticate(first.key)).resolves.toMatchObject({
      tenantId: 'demo-a',
      scopes: [Scope.INGEST, Scope.READ],
    });
  });

  it('replaces a kept key that was revoked, and the revoked one stays refused', async () => {
    const file = join(dir, 'revoked');
    const first = await keptKey(keys, file, 'demo-b', scopes);
    const [listed] = await live('demo-b');
    expect(await keys.revoke(listed.id, 'demo-b')).toBe(true);
    const next = await keptKey(keys, file, 'demo-b', scopes);
    expect(next.origin).toBe('replaced');
    expect(next.key).not.toBe(first.key);
    expect(readFileSync(file, 'utf8')).toBe(`${next.key}\n`);
    await expect(keys.authenticate(first.key)).rejects.toThrow('invalid or revoked API key');
    await expect(keys.authenticate(next.key)).resolves.toMatchObject({ tenantId: 'demo-b' });
  });

  it('replaces a kept key that expired, as one rotated and past its grace', async () => {
    const file = join(dir, 'rotated');
    const first = await keptKey(keys, file, 'demo-e', scopes);
    const [listed] = await live('demo-e');
    // an admin rotated the demo's key: the successor went to its users, the kept one ends now
    await keys.rotate(listed.id, 0, 'demo-e');
    await expect(keys.authenticate(first.key)).rejects.toThrow(/expired/);
    const next = await keptKey(keys, file, 'demo-e', scopes);
    expect(next.origin).toBe('replaced');
    expect(readFileSync(file, 'utf8')).toBe(`${next.key}\n`);
    await expect(keys.authenticate(next.key)).resolves.toMatchObject({ tenantId: 'demo-e' });
  });

  it("replaces a file holding another tenant's key or no key at all, and tightens its mode", async () => {
    const other = await keys.create('someone-else', [Scope.READ]);
    const file = join(dir, 'foreign');
    writeFileSync(file, `${other.key}\n`, { mode: 0o644 });
    const taken = await keptKey(keys, file, 'demo-c', scopes);
    expect(taken.origin).toBe('replaced');
    expect(taken.key).not.toBe(other.key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await expect(keys.authenticate(other.key)).resolves.toMatchObject({ tenantId: 'someone-else' });

    writeFileSync(file, 'not a key\n');
    const fromJunk = await keptKey(keys, file, 'demo-c', scopes);
    expect(fromJunk.origin).toBe('replaced');
    expect(readFileSync(file, 'utf8')).toBe(`${fromJunk.key}\n`);
  });

  it('without a file, mints a key that expires 30 days on', async () => {
    const now = new Date('2026-12-07T10:00:00.000Z');
    const minted = await keptKey(keys, undefined, 'demo-d', scopes, now);
    expect(minted.origin).toBe('expiring');
    expect(minted.expiresAt).toEqual(new Date('2027-01-06T10:00:00.000Z'));
    const [listed] = await live('demo-d');
    expect(listed?.expiresAt).toEqual(new Date('2027-01-06T10:00:00.000Z'));
  });
});
