import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../libs/config/index.js';
import { holdDataDirectory } from '../../../libs/storage/testing.js';
import { createKeyCommand, parseExpiry, scopeNames } from './keys.js';

describe('causeway keys create --expires', () => {
  const now = Date.UTC(2026, 11, 3, 12, 0, 0);

  it('reads a duration from now in days or hours', () => {
    expect(parseExpiry('90d', now)?.toISOString()).toBe('2027-03-03T12:00:00.000Z');
    expect(parseExpiry('12h', now)?.toISOString()).toBe('2026-12-04T00:00:00.000Z');
  });

  it('reads an ISO 8601 time, and nothing when the option is absent', () => {
    expect(parseExpiry('2027-01-31T00:00:00Z', now)?.toISOString()).toBe(
      '2027-01-31T00:00:00.000Z',
    );
    expect(parseExpiry(undefined, now)).toBeNull();
  });

  it('refuses anything else, naming the option', () => {
    expect(() => parseExpiry('soon', now)).toThrow(/--expires: "soon" is neither/);
    expect(() => parseExpiry('90m', now)).toThrow(/--expires/);
  });
});

describe('causeway keys create --scopes', () => {
  it('reads names separated by commas or spaces, in any case, once each', () => {
    expect(scopeNames('ingest,read')).toEqual(['INGEST', 'READ']);
    expect(scopeNames(' Read  ADMIN,read ')).toEqual(['READ', 'ADMIN']);
  });

  it('refuses none, naming the option', () => {
    expect(() => scopeNames(' , ')).toThrow(
      '--scopes: at least one scope is required (ingest, read, erase, admin)',
    );
  });
});

// `causeway keys create` while a demo or API holds the embedded store: the key is minted through
// that API, or the command says how.
describe('causeway keys create on a store a running Causeway holds', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-keys-held-'));
  let holder: ChildProcess;
  let api: Server;
  let port: number;
  const asked: { authorization?: string; variables?: unknown }[] = [];

  beforeAll(async () => {
    // what the command imports at once, imported one after the other first: Jest's ESM loader
    // fails on parallel imports of modules it is still linking
    await import('../../../libs/audit/index.js');
    await import('../../../libs/auth/index.js');
    holder = await holdDataDirectory(directory);
    // stands in for the API that holds the store: answers createApiKey as it would
    api = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const { variables } = JSON.parse(body) as { variables: { tenantId: string } };
        asked.push({ authorization: request.headers.authorization, variables });
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            data: {
              createApiKey: {
                key: 'cw_minted',
                keyId: 'minted',
                tenantId: variables.tenantId,
                scopes: ['READ'],
                expiresAt: null,
              },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    port = (api.address() as AddressInfo).port;
  }, 60_000);

  afterAll(async () => {
    holder.kill('SIGKILL');
    await new Promise((resolve) => api.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  const config = (env: Record<string, string> = {}) =>
    loadConfig({ CAUSEWAY_DATA_DIR: directory, PORT: String(port), LOG_LEVEL: 'silent', ...env });

  it('says to mint it through the running API when no admin key is at hand', async () => {
    await expect(createKeyCommand(config(), { tenant: 'acme', scopes: 'read' })).rejects.toThrow(
      `a running Causeway holds the store in ${directory}; mint the key through it: CAUSEWAY_ADMIN_KEY=<admin key> npm run -s causeway -- keys create --tenant acme --scopes read --url http://localhost:${port} (the demo prints an admin key on its last screen)`,
    );
  });

  it('says to mint through the API the key asked for, with its expiry and scopes', async () => {
    // a hint that left out --expires minted, when pasted, a key valid for good; scopes given with
    // spaces would have been split by the shell
    await expect(
      createKeyCommand(config(), { tenant: 'acme', scopes: 'Ingest  read', expires: '90d' }),
    ).rejects.toThrow(
      `mint the key through it: CAUSEWAY_ADMIN_KEY=<admin key> npm run -s causeway -- keys create --tenant acme --scopes ingest,read --expires 90d --url http://localhost:${port} (`,
    );
    await expect(
      createKeyCommand(config(), {
        tenant: 'acme',
        scopes: 'read',
        expires: '2027-01-31T00:00:00+01:00',
      }),
    ).rejects.toThrow(
      `keys create --tenant acme --scopes read --expires 2027-01-31T00:00:00+01:00 --url http://localhost:${port} (`,
    );
  });

  it('mints it through the API on PORT with CAUSEWAY_ADMIN_KEY', async () => {
    const printed = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const told = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await createKeyCommand(config({ CAUSEWAY_ADMIN_KEY: 'admin-key-0123456789abcdef' }), {
        tenant: 'acme',
        scopes: 'read',
      });
      expect(asked).toEqual([
        {
          authorization: 'Bearer admin-key-0123456789abcdef',
          variables: { tenantId: 'acme', scopes: ['READ'], expiresAt: null },
        },
      ]);
      expect(told).toHaveBeenCalledWith(
        `the store is held by a running Causeway: minting through http://localhost:${port}\n`,
      );
      expect(printed).toHaveBeenCalledWith(
        '{"key":"cw_minted","keyId":"minted","tenantId":"acme","scopes":["READ"],"expiresAt":null}\n',
      );
    } finally {
      printed.mockRestore();
      told.mockRestore();
    }
  });
});
