// The weekly digest when something moves or fails around its send, through a real SMTP server
// (smtp-server) that can hold a mail before taking it: a setDigest made while a scheduled send
// is under way is kept, and the schedule goes on from it. The API runs in this process on a real
// embedded store, without Redis (the schedule is a timer in the API).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createApiApp, listen } from '../apps/api/bootstrap.js';
import { gqlData, mintKey } from './support/client.js';
import { inProcessApiConfig } from './support/in-process-api.js';
import { ADMIN_KEY, freePort } from './support/processes.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

interface Mail {
  envelopeTo: string[];
  text: string;
}

describe('the digest while its settings change or its parts fail', () => {
  let app: INestApplication;
  let url: string;
  let dataDir: string;
  let smtp: SMTPServer;
  const browserDir = mkdtempSync(join(tmpdir(), 'causeway-browser-'));
  const mails: Mail[] = [];
  /** Mails whose data the server has begun to read. */
  const begun: string[][] = [];
  /** While set, the server holds each mail's data until it resolves. */
  let hold: Promise<void> | undefined;

  beforeAll(async () => {
    const smtpPort = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        begun.push(envelopeTo);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          void (hold ?? Promise.resolve()).then(() => {
            mails.push({ envelopeTo, text: Buffer.concat(chunks).toString('utf8') });
            callback();
          });
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));
    const { config, dataDir: dir } = await inProcessApiConfig(
      'digest-moves',
      ADMIN_KEY,
      (port) => ({
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        // no browser here: the digest says why it has no PDF
        CHROMIUM_PATH: join(browserDir, 'chromium'),
        ALERT_EVALUATE_EVERY_MS: '0',
      }),
    );
    dataDir = dir;
    app = await createApiApp(config);
    url = (await listen(app, config)).replace('localhost', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(browserDir, { recursive: true, force: true });
  });

  it('keeps recipients and schedule set during a scheduled send, and goes on from them', async () => {
    const key = await mintKey(url, ADMIN_KEY, 'moves', ['READ']);
    let release = () => {};
    hold = new Promise<void>((resolve) => (release = resolve));
    const before = mails.length;
    // every two seconds (cron with seconds): the schedule's send starts during the test
    await gqlData(
      url,
      key,
      `mutation { setDigest(recipients: ["before@example.com"], schedule: "*/2 * * * * *") { schedule } }`,
    );
    await until('the scheduled send to reach the mail server', () =>
      begun.some((to) => to.includes('before@example.com')),
    );
    // while the mail server holds that send: new recipients and the default schedule
    await gqlData(
      url,
      key,
      `mutation { setDigest(recipients: ["after@example.com"]) { schedule } }`,
    );
    hold = undefined;
    release();
    await until('the held mail to be taken', () => mails.length > before);
    // the schedule of every two seconds, were it armed again, would send twice more meanwhile
    await sleep(5_000);

    expect(mails.slice(before).map((m) => m.envelopeTo)).toEqual([['before@example.com']]);
    const { digest } = await gqlData<{
      digest: { recipients: string[]; schedule: string; lastSentAt: string | null };
    }>(url, key, `{ digest { recipients schedule lastSentAt } }`);
    expect(digest.recipients).toEqual(['after@example.com']);
    expect(digest.schedule).toBe('0 7 * * 1');
    expect(digest.lastSentAt).not.toBeNull();
  });
});
