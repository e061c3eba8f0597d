import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gqlData, graphql, mintKey, postIngest } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';

const line = (eventId: string, personId: string) =>
  `${JSON.stringify({ event_id: eventId, person_id: personId, type: 'view', occurred_at: '2026-10-01T00:00:00Z' })}\n`;

interface CreatedKey {
  key: string;
  keyId: string;
  id: string;
  expiresAt: string | null;
}

const CREATE = `mutation($tenantId: ID!, $scopes: [Scope!]!, $expiresAt: DateTime) {
  createApiKey(tenantId: $tenantId, scopes: $scopes, expiresAt: $expiresAt) { key keyId id expiresAt }
}`;

describe('data lifecycle over the API: key expiry and rotation, erasure, backups, the audit log', () => {
  let api: ApiProcess;
  let tenantAdmin: string;
  const backups = mkdtempSync(join(tmpdir(), 'causeway-e2e-backups-'));

  beforeAll(async () => {
    api = await startApi({
      CAUSEWAY_KEY_PEPPER: 'e2e-pepper-0123456789abcdef0123456789',
      // the webhook of the audit case points at this machine
      WEBHOOK_ALLOW_PRIVATE: 'true',
    });
    tenantAdmin = await mintKey(api.url, api.adminKey, 'acme', ['ADMIN']);
  });
  afterAll(async () => {
    await api.dispose();
    rmSync(backups, { recursive: true, force: true });
  });

  it('answers 401 to a key past its expiry', async () => {
    const expiresAt = new Date(Date.now() + 3_000).toISOString();
    const { createApiKey: created } = await gqlData<{ createApiKey: CreatedKey }>(
      api.url,
      tenantAdmin,
      CREATE,
      { tenantId: 'acme', scopes: ['INGEST'], expiresAt },
    );
    expect(created.id).toBe(created.keyId);
    expect(created.expiresAt).toBe(expiresAt);
    expect((await postIngest(api.url, created.key, 'signals', line('e1', 'p1'))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_500));
    const refused = await postIngest(api.url, created.key, 'signals', line('e2', 'p1'));
    expect(refused.status).toBe(401);
    const past = await graphql(api.url, tenantAdmin, CREATE, {
      tenantId: 'acme',
      scopes: ['READ'],
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.errors?.[0]?.message).toContain('expiresAt must be in the future');
  });

  it('rotates a key: the successor works, the old one until its grace ends (here at once)', async () => {
    const old = await mintKey(api.url, tenantAdmin, 'acme', ['INGEST']);
    const oldId = old.split('_')[1];
    const { rotateApiKey } = await gqlData<{ rotateApiKey: CreatedKey }>(
      api.url,
      tenantAdmin,
      `mutation($keyId: ID!) { rotateApiKey(keyId: $keyId, graceHours: 0) { key keyId } }`,
      { keyId: oldId },
    );
    expect((await postIngest(api.url, rotateApiKey.key, 'signals', line('e3', 'p2'))).status).toBe(
      200,
    );
    expect((await postIngest(api.url, old, 'signals', line('e4', 'p2'))).status).toBe(401);
    const { apiKeys } = await gqlData<{
      apiKeys: { id: string; lastUsedAt: string | null; expiresAt: string | null }[];
    }>(
      api.url,
      tenantAdmin,
      '{ apiKeys { id tenantId scopes createdAt expiresAt lastUsedAt revokedAt } }',
    );
    const successor = apiKeys.find((k) => k.id === rotateApiKey.keyId)!;
    expect(successor.lastUsedAt).not.toBeNull();
    expect(apiKeys.find((k) => k.id === oldId)!.expiresAt).not.toBeNull();
    expect(JSON.stringify(apiKeys)).not.toContain(rotateApiKey.key);
    const other = await graphql(api.url, tenantAdmin, '{ apiKeys(tenantId: "other") { id } }');
    expect(other.errors?.[0]?.extensions?.causewayCode).toBe('AUTH_FORBIDDEN');
  });

  it('erases a person with an ERASE key and refuses their rows afterwards as erased', async () => {
    const ingest = await mintKey(api.url, tenantAdmin, 'acme', ['INGEST', 'READ']);
    const eraser = await mintKey(api.url, tenantAdmin, 'acme', ['ERASE']);
    await postIngest(api.url, ingest, 'signals', line('s1', 'alice') + line('s2', 'bob'));
    const denied = await graphql(
      api.url,
      ingest,
      'mutation { erasePerson(personId: "alice") { id } }',
    );
    expect(denied.errors?.[0]?.extensions?.causewayCode).toBe('AUTH_FORBIDDEN');
    const empty = await graphql(api.url, eraser, 'mutation { erasePerson(personId: "") { id } }');
    expect(empty.errors?.[0]?.extensions?.causewayCode).toBe('LIFECYCLE_INVALID_REQUEST');
    const { erasePerson } = await gqlData<{
      erasePerson: { id: string; personIdHash: string; rowsDeleted: Record<string, number> };
    }>(
      api.url,
      eraser,
      'mutation { erasePerson(personId: "alice") { id personIdHash requestedAt completedAt rowsDeleted } }',
    );
    expect(erasePerson.rowsDeleted.signals).toBe(1);
    const timeline = await gqlData<{ personTimeline: unknown[] }>(
      api.url,
      ingest,
      '{ personTimeline(personId: "alice") { id } }',
    );
    expect(timeline.personTimeline).toEqual([]);
    const again = await postIngest(
      api.url,
      ingest,
      'signals',
      line('s3', 'alice') + line('s4', 'bob'),
    );
    expect(again.body).toMatchObject({
      accepted: 1,
      rejected: 1,
      errors: [{ line: 1, field: 'person_id', message: 'erased' }],
    });
    const { rejectedRows } = await gqlData<{ rejectedRows: { reason: string; raw: string }[] }>(
      api.url,
      ingest,
      '{ rejectedRows(stream: SIGNALS) { reason raw } }',
    );
    expect(rejectedRows).toEqual([{ reason: 'erased', raw: '' }]);
    const { erasures } = await gqlData<{ erasures: unknown[] }>(
      api.url,
      eraser,
      '{ erasures { id personIdHash rowsDeleted } }',
    );
    expect(erasures).toHaveLength(1);
    expect(JSON.stringify(erasures)).not.toContain('alice');
  });

  it('keeps no raw text naming an erased person of lines refused for another reason', async () => {
    const ingest = await mintKey(api.url, tenantAdmin, 'acme', ['INGEST', 'READ']);
    const eraser = await mintKey(api.url, tenantAdmin, 'acme', ['ERASE']);
    const firing = (firingId: string, personId: string) =>
      `${JSON.stringify({ firing_id: firingId, trigger_id: 't', person_id: personId, decided_at: '2026-10-01T00:00:00Z', arm: 'treatment' })}\n`;
    await postIngest(api.url, ingest, 'firings', firing('f-carol', 'carol'));
    await gqlData(api.url, eraser, 'mutation { erasePerson(personId: "carol") { id } }');
    // refused before anything reads their person: an id that is no string, a line cut short, a
    // bad field beside an erased firing, and a stranger's line for contrast
    const late = await postIngest(
      api.url,
      ingest,
      'firings',
      `${JSON.stringify({ firing_id: 'f-c2', trigger_id: 't', person_id: ['carol'], decided_at: '2026-10-01T00:00:00Z', arm: 'treatment' })}\n` +
        '{"firing_id":"f-c3","person_id":"carol",\n' +
        `${JSON.stringify({ firing_id: 'f-dave', trigger_id: 't', person_id: 'dave', decided_at: 'noon', arm: 'treatment' })}\n`,
    );
    expect(late.body).toMatchObject({ accepted: 0, rejected: 3 });
    const exposure = await postIngest(
      api.url,
      ingest,
      'exposures',
      '{"event_id":"x1","firing_id":"f-carol","type":"opened","occurred_at":\n',
    );
    expect(exposure.body).toMatchObject({ accepted: 0, rejected: 1 });
    // the same through the GraphQL mutation, validated on the thread that serves
    const { ingest: mutation } = await gqlData<{ ingest: { rejected: number } }>(
      api.url,
      ingest,
      'mutation($rows: [JSON!]!) { ingest(stream: FIRINGS, rows: $rows) { rejected } }',
      { rows: [{ firing_id: 'f-c4', trigger_id: 't', person_id: { id: 'carol' }, arm: 'x' }] },
    );
    expect(mutation.rejected).toBe(1);
    const { rejectedRows } = await gqlData<{
      rejectedRows: { line: number; field: string; raw: string }[];
    }>(api.url, ingest, '{ rejectedRows(stream: FIRINGS) { line field raw } }');
    const { rejectedRows: exposures } = await gqlData<{
      rejectedRows: { line: number; raw: string }[];
    }>(api.url, ingest, '{ rejectedRows(stream: EXPOSURES) { line raw } }');
    // the lines are kept, answered as refused for what was wrong with them, without their text
    rejectedRows.sort((a, b) => a.line - b.line || a.field.localeCompare(b.field));
    expect(rejectedRows.map((r) => [r.line, r.field, r.raw !== ''])).toEqual([
      [1, 'person_id', false],
      [1, 'person_id', false],
      [2, '(line)', false],
      [3, 'decided_at', true],
    ]);
    expect(rejectedRows[3].raw).toContain('dave');
    expect(exposures).toEqual([{ line: 1, raw: '' }]);
  });

  it('keeps no answer about an erased person in memory once the erasure answers', async () => {
    const ingest = await mintKey(api.url, tenantAdmin, 'acme', ['INGEST', 'READ']);
    const eraser = await mintKey(api.url, tenantAdmin, 'acme', ['ERASE']);
    /** The answers kept in memory, as /metrics counts them (every one is this suite's tenant's). */
    const kept = async () => {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      return Number(/^causeway_result_cache_entries (\d+)$/m.exec(text)?.[1]);
    };
    await postIngest(api.url, ingest, 'signals', line('s-erin', 'erin'));
    const timeline = '{ personTimeline(personId: "erin") { id } }';
    const before = await gqlData<{ personTimeline: { id: string }[] }>(api.url, ingest, timeline);
    expect(before.personTimeline).toEqual([{ id: 's-erin' }]);
    expect(await kept()).toBe(1);
    await gqlData(api.url, eraser, 'mutation { erasePerson(personId: "erin") { id } }');
    expect(await kept()).toBe(0);
  });

  it('lets only the bootstrap admin key take a backup', async () => {
    const refused = await graphql(
      api.url,
      tenantAdmin,
      `mutation { backup(to: "${join(backups, 'no')}") { id } }`,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      causewayCode: 'AUTH_FORBIDDEN',
    });
    const relative = await graphql(api.url, api.adminKey, 'mutation { backup(to: "b") { id } }');
    expect(relative.errors?.[0]).toMatchObject({
      message: 'to: an absolute directory path on the machine that serves',
      extensions: { code: 'BAD_USER_INPUT', causewayCode: 'LIFECYCLE_INVALID_REQUEST' },
    });
    const { backup } = await gqlData<{ backup: { to: string; bytes: number } }>(
      api.url,
      api.adminKey,
      `mutation($to: String!) { backup(to: $to) { id to startedAt completedAt bytes } }`,
      { to: join(backups, 'nightly') },
    );
    expect(backup.to).toBe(join(backups, 'nightly'));
    expect(backup.bytes).toBeGreaterThan(0);
  });

  it('shows every admin action in the audit log, to admins only', async () => {
    // webhook, share link and digest changes of a tenant key
    const reader = await mintKey(api.url, tenantAdmin, 'acme', ['READ']);
    const { createWebhook } = await gqlData<{ createWebhook: { id: string } }>(
      api.url,
      reader,
      'mutation { createWebhook(url: "http://127.0.0.1:9/hook/T0SECRET/B0SECRET", events: ["alert.opened"]) { id } }',
    );
    await gqlData(api.url, reader, `mutation { deleteWebhook(id: "${createWebhook.id}") }`);
    const { createShareLink } = await gqlData<{ createShareLink: { id: string } }>(
      api.url,
      reader,
      'mutation { createShareLink(resource: LIFT_REPORT, from: "2026-10-01T00:00:00Z", to: "2026-10-31T00:00:00Z") { id } }',
    );
    await gqlData(api.url, reader, `mutation { revokeShareLink(id: "${createShareLink.id}") }`);
    await gqlData(
      api.url,
      reader,
      'mutation { setDigest(recipients: ["lead@example.com"]) { schedule } }',
    );
    const tenantLog = await gqlData<{ auditLog: { action: string; actorKeyId: string }[] }>(
      api.url,
      tenantAdmin,
      '{ auditLog(limit: 100) { actorKeyId action } }',
    );
    const readerId = reader.split('_')[1];
    for (const action of [
      'webhook.created',
      'webhook.deleted',
      'share_link.created',
      'share_link.revoked',
      'digest.set',
    ]) {
      expect(tenantLog.auditLog).toContainEqual({ action, actorKeyId: readerId });
    }
    expect(JSON.stringify(tenantLog.auditLog)).not.toContain('lead@example.com');
    // a webhook's URL path can be its secret: the log keeps the host alone
    const details = await gqlData<{ auditLog: { action: string; detail: unknown }[] }>(
      api.url,
      tenantAdmin,
      '{ auditLog(limit: 100) { action detail } }',
    );
    expect(details.auditLog.find((e) => e.action === 'webhook.created')?.detail).toEqual({
      host: '127.0.0.1:9',
      events: ['alert.opened'],
      format: 'STANDARD',
    });
    expect(JSON.stringify(details.auditLog)).not.toContain('SECRET');
    const { auditLog } = await gqlData<{ auditLog: { action: string; actorKeyId: string }[] }>(
      api.url,
      api.adminKey,
      '{ auditLog(limit: 100) { at actorKeyId action target detail } }',
    );
    const actions = new Set(auditLog.map((e) => e.action));
    for (const action of ['key.minted', 'key.rotated', 'person.erased', 'backup.taken']) {
      expect(actions).toContain(action);
    }
    expect(JSON.stringify(auditLog)).not.toContain('alice');
    const own = await gqlData<{ auditLog: { action: string }[] }>(
      api.url,
      tenantAdmin,
      '{ auditLog { action } }',
    );
    expect(own.auditLog.some((e) => e.action === 'backup.taken')).toBe(false);
    const denied = await graphql(api.url, reader, '{ auditLog { action } }');
    expect(denied.errors?.[0]?.extensions?.causewayCode).toBe('AUTH_FORBIDDEN');
    // More entries than it ever answers is refused, not cut short to look like the whole log.
    const tooMany = await graphql(api.url, tenantAdmin, '{ auditLog(limit: 10001) { action } }');
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toContain('limit: must be between 1 and 10000');
  });

  it('refuses to start in production with the default key pepper, naming the variable', async () => {
    await expect(startApi({ NODE_ENV: 'production' })).rejects.toThrow(
      /CAUSEWAY_KEY_PEPPER: the default key pepper is refused when NODE_ENV=production/,
    );
  });
});
