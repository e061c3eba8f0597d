// One POST to a real HTTP server that answers its headers and then keeps the connection open,
// sending no more: what the attempt is recorded as.
import { afterAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CheckedTarget } from './address-guard.js';
import { postJson } from './webhook-sender.js';

const TIMEOUT_MS = 500;

describe('a receiver whose answer never ends', () => {
  const open: ServerResponse[] = [];
  const servers: Server[] = [];

  /** A loopback target whose server answers `status` with a first chunk of body, then stalls. */
  async function stalling(status: number): Promise<CheckedTarget> {
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.write('working on it');
      open.push(response);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: new URL(`http://127.0.0.1:${port}/hook`), address: '127.0.0.1', family: 4 };
  }

  afterAll(async () => {
    for (const response of open) {
      response.destroy();
    }
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('takes a 200 as delivered without waiting for its body', async () => {
    const target = await stalling(200);
    expect(await postJson(target, {}, '{}', TIMEOUT_MS)).toEqual({ ok: true, status: 200 });
  });

  it('records a 503 whose body never ends with its status', async () => {
    const target = await stalling(503);
    expect(await postJson(target, {}, '{}', TIMEOUT_MS)).toEqual({
      ok: false,
      status: 503,
      error: `answered 503, its body unfinished within ${TIMEOUT_MS} ms`,
    });
  });
});
