import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { gqlData, graphql, mintKey, postIngest } from './support/client.js';
import { startApi, type ApiProcess } from './support/processes.js';

const signal = `${JSON.stringify({ event_id: 'k1', person_id: 'p1', type: 'x', occurred_at: '2026-10-01T00:00:00Z' })}\n`;

describe('API keys and scopes', () => {
  let api: ApiProcess;
  let ingestKey: string;
  let readKey: string;

  beforeAll(async () => {
    api = await startApi();
    ingestKey = await mintKey(api.url, api.adminKey, 'acme', ['INGEST']);
    readKey = await mintKey(api.url, api.adminKey, 'acme', ['READ']);
  });
  afterAll(async () => {
    await api.dispose();
  });

  it('refuses requests without a key or with an unknown one', async () => {
    expect((await postIngest(api.url, undefined, 'signals', signal)).status).toBe(401);
    expect(
      (
        await postIngest(
          api.url,
          'cw_0123456789abcdef_notarealsecretnotarealsecretnotareal',
          'signals',
          signal,
        )
      ).status,
    ).toBe(401);
    const result = await graphql(api.url, undefined, '{ triggers { triggerId } }');
    expect(result.errors?.[0]?.extensions?.causewayCode).toBe('AUTH_MISSING_KEY');
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.status).toBe(401);
  });

  it('tells the holder of an expired key that it expired, when, and how to get a new one', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const minted = await gqlData<{ createApiKey: { key: string } }>(
      api.url,
      api.adminKey,
      'mutation($at: DateTime) { createApiKey(tenantId: "acme", scopes: [INGEST, READ], expiresAt: $at) { key } }',
      { at: expiresAt.toISOString() },
    );
    const { key } = minted.createApiKey;
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 100));
    const ingest = await postIngest(api.url, key, 'signals', signal);
    expect(ingest.status).toBe(401);
    expect(ingest.body.error).toBe('AUTH_EXPIRED_KEY');
    expect(ingest.body.message).toContain(`expired at ${expiresAt.toISOString()}`);
    const read = await graphql(api.url, key, '{ triggers { triggerId } }');
    expect(read.status).toBe(401);
    expect(read.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      causewayCode: 'AUTH_EXPIRED_KEY',
    });
    expect(read.errors?.[0]?.message).toContain('createApiKey');
    // a wrong secret beside the expired key's id learns nothing of its expiry
    const guessed = `${key.slice(0, 20)}${'x'.repeat(43)}`;
    const refused = await postIngest(api.url, guessed, 'signals', signal);
    expect(refused.body.error).toBe('AUTH_INVALID_KEY');
  });

  it('answers introspection without a key, and no data beside it', async () => {
    const schema = await graphql<{ __schema: { queryType: { name: string } } }>(
      api.url,
      undefined,
      '{ __schema { queryType { name } } }',
    );
    expect(schema.errors).toBeUndefined();
    expect(schema.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const mixed = await graphql(api.url, undefined, '{ __typename triggers { triggerId } }');
    expect(mixed.data?.triggers ?? null).toBeNull();
    expect(mixed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('lets INGEST keys ingest but not read, and READ keys read but not ingest', async () => {
    expect((await postIngest(api.url, ingestKey, 'signals', signal)).status).toBe(200);
    expect((await postIngest(api.url, readKey, 'signals', signal)).status).toBe(403);
    const denied = await graphql(api.url, ingestKey, '{ triggers { triggerId } }');
    expect(denied.errors?.[0]?.extensions?.causewayCode).toBe('AUTH_FORBIDDEN');
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(denied.status).toBe(403);
    const allowed = await graphql(api.url, readKey, '{ triggers { triggerId } }');
    expect(allowed.errors).toBeUndefined();
  });

  it('lets only ADMIN mint keys, shows the key once, and revokes at once', async () => {
    const refused = await graphql(
      api.url,
      readKey,
      'mutation { createApiKey(tenantId: "acme", scopes: [READ]) { key } }',
    );
    expect(refused.errors?.[0]?.extensions?.causewayCode).toBe('AUTH_FORBIDDEN');
    const created = await graphql<{
      createApiKey: { key: string; keyId: string; tenantId: string; scopes: string[] };
    }>(
      api.url,
      api.adminKey,
      'mutation { createApiKey(tenantId: "acme", scopes: [INGEST, READ]) { key keyId tenantId scopes } }',
    );
    const minted = created.data!.createApiKey;
    expect(minted).toMatchObject({ tenantId: 'acme', scopes: ['INGEST', 'READ'] });
    expect(minted.key.startsWith(`cw_${minted.keyId}_`)).toBe(true);
    expect((await postIngest(api.url, minted.key, 'signals', signal)).status).toBe(200);
    const revoked = await graphql<{ revokeApiKey: boolean }>(
      api.url,
      api.adminKey,
      `mutation { revokeApiKey(keyId: "${minted.keyId}") }`,
    );
    expect(revoked.data?.revokeApiKey).toBe(true);
    expect((await postIngest(api.url, minted.key, 'signals', signal)).status).toBe(401);
    // the key text never reaches the logs
    expect(api.output()).not.toContain(minted.key);
  });

  it('sends the protective headers with every answer, errors and 404 included, and names no framework', async () => {
    const asked = [
      await fetch(`${api.url}/healthz`),
      await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${readKey}` },
        body: JSON.stringify({ query: '{ triggers { triggerId } }' }),
      }),
      await postIngest(api.url, undefined, 'signals', signal),
      await postIngest(api.url, readKey, 'signals', signal),
      await fetch(`${api.url}/no-such-route`),
    ];
    expect(asked.map((response) => response.status)).toEqual([200, 200, 401, 403, 404]);
    for (const response of asked) {
      const headers = Object.fromEntries(response.headers);
      expect(headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-resource-policy': 'same-origin',
        'cross-origin-opener-policy': 'same-origin',
      });
      // left to the proxy in front (HSTS) or to the pages that set their own (CSP, framing)
      for (const absent of [
        'x-powered-by',
        'strict-transport-security',
        'content-security-policy',
        'x-frame-options',
      ]) {
        expect(headers[absent]).toBeUndefined();
      }
    }
  });
});
