import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { createHash } from 'node:crypto';
import { AuditLogService } from '../audit/index.js';
import { ConfigError, loadConfig } from '../config/index.js';
import type { TemporaryStore } from '../storage/testing.js';
import { ApiKeysService } from './api-keys.service.js';
import { Scope } from './keys.js';
import { openKeyStore, type KeyStore } from './testing.js';

const HOUR = 3_600_000;
const realNow = Date.now.bind(Date);

describe('key expiry, rotation, last use and the audit log, on the embedded engine', () => {
  let opened: KeyStore;
  let store: TemporaryStore;
  let keys: ApiKeysService;
  let audit: AuditLogService;

  beforeAll(async () => {
    opened = await openKeyStore();
    ({ store, keys, audit } = opened);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });
  afterAll(() => opened.dispose());

  /** Moves the service's clock `ms` ahead of the real one. */
  let offset = 0;
  const advance = (ms: number) => {
    offset = ms;
  };
  beforeEach(() => {
    offset = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
  });

  it('accepts a key until it expires and refuses it after', async () => {
    const created = await keys.create('t-exp', [Scope.READ], new Date(Date.now() + HOUR));
    await expect(keys.authenticate(created.key)).resolves.toMatchObject({ tenantId: 't-exp' });
    advance(HOUR + 1000);
    await expect(keys.authenticate(created.key)).rejects.toThrow(/expired/);
  });

  it('refuses an expired key with its own code, saying when it expired and how to get a new one', async () => {
    const expiry = new Date(Date.now() + HOUR);
    const created = await keys.create('t-exp-code', [Scope.READ], expiry);
    advance(HOUR + 1000);
    const refusal = await keys.authenticate(created.key).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ code: 'AUTH_EXPIRED_KEY' });
    const { message } = refusal as Error;
    // the stored expiry, to the millisecond, as ISO text
    expect(message).toContain(expiry.toISOString());
    expect(message).toContain('createApiKey');
    expect(message).toContain('keys create');
  });

  it('says nothing of expiry to a wrong secret for an expired key, nor to an unknown key', async () => {
    const created = await keys.create('t-exp-code', [Scope.READ], new Date(Date.now() + HOUR));
    advance(HOUR + 1000);
    const wrongSecret = `cw_${created.keyId}_${'x'.repeat(43)}`;
    for (const presented of [wrongSecret, `cw_0123456789abcdef_${'y'.repeat(43)}`]) {
      const refusal = await keys.authenticate(presented).catch((error: unknown) => error);
      expect(refusal).toMatchObject({ code: 'AUTH_INVALID_KEY' });
      expect((refusal as Error).message).not.toMatch(/expire/);
    }
  });

  it('refuses an expiry in the past', async () => {
    await expect(keys.create('t-exp', [Scope.READ], new Date(Date.now() - 1))).rejects.toThrow(
      'expiresAt must be in the future',
    );
  });

  it('keeps a rotated key working through its grace period and not after', async () => {
    const old = await keys.create('t-rot', [Scope.READ, Scope.INGEST]);
    const successor = await keys.rotate(old.keyId, 24);
    expect(successor.keyId).not.toBe(old.keyId);
    expect(successor.scopes).toEqual([Scope.READ, Scope.INGEST]);
    await expect(keys.authenticate(old.key)).resolves.toMatchObject({ keyId: old.keyId });
    advance(23 * HOUR);
    await expect(keys.authenticate(old.key)).resolves.toMatchObject({ keyId: old.keyId });
    advance(24 * HOUR + 1000);
    await expect(keys.authenticate(old.key)).rejects.toThrow(/expired/);
    await expect(keys.authenticate(successor.key)).resolves.toMatchObject({
      keyId: successor.keyId,
      tenantId: 't-rot',
    });
    await expect(keys.rotate(old.keyId, 24)).rejects.toThrow(/revoked or expired/);
  });

  it("gives the successor of a key rotated again the key's own lifetime, not its grace", async () => {
    const DAY = 24 * HOUR;
    // a clock that moves only when told, so that times compare to the millisecond
    const start = realNow();
    let clock = start;
    jest.spyOn(Date, 'now').mockImplementation(() => clock);
    // a key that never expires, rotated after 30 days, then again (an answer lost on its way)
    const forever = await keys.create('t-rot-again', [Scope.READ]);
    clock = start + 30 * DAY;
    expect((await keys.rotate(forever.keyId, 24)).expiresAt).toBeNull();
    clock += HOUR;
    expect((await keys.rotate(forever.keyId, 24)).expiresAt).toBeNull();
    // a 90-day key rotated on its 80th day, then again an hour later: each successor lives 90 days
    // from its rotation (the first grace ends on day 81, which is no lifetime of the key)
    const ninety = await keys.create('t-rot-again', [Scope.READ], new Date(clock + 90 * DAY));
    const minted = clock;
    clock = minted + 80 * DAY;
    expect((await keys.rotate(ninety.keyId, 24)).expiresAt).toEqual(new Date(clock + 90 * DAY));
    clock += HOUR;
    expect((await keys.rotate(ninety.keyId, 24)).expiresAt).toEqual(new Date(clock + 90 * DAY));
    // the old key still ends with its first grace, which the second rotation does not lengthen
    const [listed] = (await keys.list('t-rot-again')).filter((k) => k.id === ninety.keyId);
    expect(listed.expiresAt).toEqual(new Date(minted + 81 * DAY));
  });

  it('ends a zero-hour grace at once', async () => {
    const old = await keys.create('t-rot0', [Scope.READ]);
    await keys.rotate(old.keyId, 0);
    await expect(keys.authenticate(old.key)).rejects.toThrow(/expired/);
  });

  it('lists keys with their last use, never their text', async () => {
    const used = await keys.create('t-list', [Scope.READ]);
    const idle = await keys.create('t-list', [Scope.ADMIN], new Date(Date.now() + 48 * HOUR));
    const before = Date.now();
    await keys.authenticate(used.key);
    await keys.authenticate(used.key);
    await keys.flushUses();
    await keys.revoke(idle.keyId);
    const listed = await keys.list('t-list');
    expect(JSON.stringify(listed)).not.toContain(used.key.slice(20));
    const byId = new Map(listed.map((k) => [k.id, k]));
    const usedInfo = byId.get(used.keyId)!;
    const idleInfo = byId.get(idle.keyId)!;
    expect(usedInfo.lastUsedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(usedInfo.revokedAt).toBeNull();
    expect(idleInfo.lastUsedAt).toBeNull();
    expect(idleInfo.revokedAt).not.toBeNull();
    expect(idleInfo.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 47 * HOUR);
    expect(new Set(listed.map((k) => k.tenantId))).toEqual(new Set(['t-list']));
  });

  it('writes a busy key down once a minute, not once a request', async () => {
    const busy = await keys.create('t-busy', [Scope.READ]);
    const inserts = jest.spyOn(store.clickhouse, 'insert');
    for (let i = 0; i < 30; i++) {
      await keys.authenticate(busy.key);
    }
    await keys.flushUses();
    const notes = () => inserts.mock.calls.filter(([spec]) => spec.tag === 'auth.note_use').length;
    expect(notes()).toBe(1);
    advance(61_000);
    await keys.authenticate(busy.key);
    await keys.flushUses();
    expect(notes()).toBe(2);
  });

  it('appends a key the command line registers (a demo key, a key kept in a file) as minted', async () => {
    // an operator's chosen text (CAUSEWAY_DEMO_KEY, import --key) and a key kept for the demo
    const chosen = 'operator-chosen-demo-key-0001';
    const kept = 'cw_00112233445566ff_kept-key-secret-text-0123456789abcdef';
    expect(await keys.ensure(chosen, 't-audit-ensure', [Scope.READ])).toBe(true);
    expect(await keys.ensure(kept, 't-audit-ensure', [Scope.INGEST, Scope.READ])).toBe(true);
    // registered already: nothing minted, nothing appended
    expect(await keys.ensure(chosen, 't-audit-ensure', [Scope.READ])).toBe(true);
    const entries = await audit.list('t-audit-ensure', {}, 100);
    const chosenId = `h${createHash('sha256').update(chosen).digest('hex').slice(0, 15)}`;
    expect(entries.map((e) => [e.action, e.target, e.actorKeyId, e.detail]).sort()).toEqual(
      [
        ['key.minted', chosenId, null, { scopes: ['READ'], expiresAt: null }],
        ['key.minted', '00112233445566ff', null, { scopes: ['INGEST', 'READ'], expiresAt: null }],
      ].sort(),
    );
    expect(JSON.stringify(entries)).not.toContain(chosen);
    expect(JSON.stringify(entries)).not.toContain('kept-key-secret');
  });

  it('appends every minting, rotation and revocation to the audit log', async () => {
    const minted = await keys.create('t-audit', [Scope.READ], null, { actorKeyId: 'admin-1' });
    const rotated = await keys.rotate(minted.keyId, 2, 't-audit', { actorKeyId: 'admin-1' });
    await keys.revoke(rotated.keyId, 't-audit', { actorKeyId: 'admin-2' });
    const entries = await audit.list('t-audit', {}, 100);
    const seen = entries.map((e) => [e.action, e.target, e.actorKeyId]);
    expect(seen).toHaveLength(3);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['key.minted', minted.keyId, 'admin-1'],
        ['key.rotated', minted.keyId, 'admin-1'],
        ['key.revoked', rotated.keyId, 'admin-2'],
      ]),
    );
    expect(entries.find((e) => e.action === 'key.rotated')?.detail).toMatchObject({
      successor: rotated.keyId,
      graceHours: 2,
    });
    expect(JSON.stringify(entries)).not.toContain(minted.key);
  });
});

describe('the key pepper in production', () => {
  it('refuses the default pepper and says what to set', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /CAUSEWAY_KEY_PEPPER: the default key pepper is refused when NODE_ENV=production; set CAUSEWAY_KEY_PEPPER/,
    );
  });

  it('starts with a pepper of its own, and with the default outside production', () => {
    expect(
      loadConfig({ NODE_ENV: 'production', CAUSEWAY_KEY_PEPPER: 'x'.repeat(40) }).env.NODE_ENV,
    ).toBe('production');
    expect(loadConfig({ NODE_ENV: 'development' }).env.CAUSEWAY_KEY_PEPPER).toBe(
      'causeway-default-pepper',
    );
  });
});
