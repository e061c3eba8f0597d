import { afterEach, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { AppConfig } from '../../libs/config/index.js';
import { listen } from './bootstrap.js';

@Module({})
class NothingModule {}

describe('listen', () => {
  const opened: { close(): unknown }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((thing) => thing.close()));
  });

  const app = async (): Promise<INestApplication> => {
    const created = await NestFactory.create(NothingModule, { logger: false });
    opened.push(created);
    return created;
  };
  const configOn = (port: number) => ({ env: { PORT: port, HOST: '127.0.0.1' } }) as AppConfig;

  it('answers the URL of the port it listens on', async () => {
    const url = await listen(await app(), configOn(0));
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    expect(Number(new URL(url).port)).toBeGreaterThan(0);
  });

  it('says what to do when the port is taken, instead of the bare system error', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    opened.push(blocker);
    const { port } = blocker.address() as AddressInfo;
    const failure = listen(await app(), configOn(port));
    await expect(failure).rejects.toThrow(
      `port ${port} on 127.0.0.1 is taken by another process (a Causeway already running, or another server): stop it, or set PORT to a free one (e.g. PORT=${port + 1})`,
    );
    await expect(failure).rejects.toMatchObject({ cause: { code: 'EADDRINUSE' } });
  });
});
