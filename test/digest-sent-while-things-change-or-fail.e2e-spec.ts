// The weekly digest when something moves or fails around its send, through a real SMTP server
// (smtp-server) that refuses one address and can hold a mail before taking it, and a Chromium
// that exits at once (as one without its libraries does): the digest goes without the PDF,
// saying why; a send that some recipients got keeps those the server refused on the digest; a
// setDigest made while a scheduled send is under way is kept, the schedule going on from it. The
// API runs in this process on a real embedded store, without Redis (the schedule is a timer in
// the API).

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggedFailure } from '../libs/errors/index.js';
import { DigestsRepository } from '../libs/notify/index.js';
import { DigestScheduler, DigestSender } from '../libs/notify/testing.js';
import { StorageErrorCode, StorageException } from '../libs/storage/index.js';
import { gqlData, graphql, mintKey } from './support/client.js';
import { cronOnceIn } from './support/cron.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from './support/smtp.js';

const MONTHS = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
const twoDigits = (n: number) => String(n).padStart(2, '0');
/** An ISO instant as a person reads it: 2026-12-07T07:15:42.120Z is "7 Dec 2026, 07:15 UTC". */
function toTheMinute(iso: string): string {
  const t = new Date(iso);
  const day = `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}`;
  return `${day}, ${twoDigits(t.getUTCHours())}:${twoDigits(t.getUTCMinutes())} UTC`;
}

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen in ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

describe('the digest while its settings change or its parts fail', () => {
  let smtp: TestSmtp | undefined;
  const browserDir = mkdtempSync(join(tmpdir(), 'causeway-browser-'));
  /** An executable that fails as Chromium without its shared libraries does. */
  const brokenChromium = join(browserDir, 'chromium');
  let mails: ReceivedMail[] = [];
  /** Mails whose data the server has begun to read. */
  const begun: string[][] = [];
  /** While set, the server holds each mail's data until it resolves. */
  let hold: Promise<void> | undefined;
  /** An address the server refuses at RCPT TO, as a mailbox that no longer exists. */
  const GONE = 'gone@example.com';
  const warnings: string[] = [];
  const errors: { fields: unknown; text: unknown }[] = [];

  beforeAll(async () => {
    const server = await startTestSmtp({
      refuse: [GONE],
      onBegin: (envelopeTo) => begun.push(envelopeTo),
      hold: () => hold,
    });
    smtp = server;
    mails = server.mails;
    writeFileSync(
      brokenChromium,
      '#!/bin/sh\necho "chromium: error while loading shared libraries: libnss3.so" >&2\nexit 1\n',
      { mode: 0o755 },
    );
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    jest.spyOn(Logger.prototype, 'error').mockImplementation((fields: unknown, text?: unknown) => {
      errors.push({ fields, text });
    });
  });
  const api = inProcessApiForSuite('digest-moves', ADMIN_KEY, (port) => ({
    SMTP_URL: smtp!.url,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    CHROMIUM_PATH: brokenChromium,
    ALERT_EVALUATE_EVERY_MS: '0',
  }));
  afterAll(async () => {
    await smtp?.close();
    rmSync(browserDir, { recursive: true, force: true });
  });

  it('sends the digest without the PDF, saying why, when Chromium fails to start', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'no-pdf', ['READ']);
    await gqlData(
      api.url,
      key,
      'mutation { setDigest(recipients: ["cfo@example.com"]) { schedule } }',
    );
    const before = mails.length;
    expect(
      (await gqlData<{ sendDigestNow: boolean }>(api.url, key, 'mutation { sendDigestNow }'))
        .sendDigestNow,
    ).toBe(true);
    const sent = mails.slice(before);
    expect(sent.map((m) => m.envelopeTo)).toEqual([['cfo@example.com']]);
    const [{ parsed }] = sent as [ReceivedMail];
    expect(parsed.attachments).toEqual([]);
    expect(parsed.text).toContain(`No PDF attached: Chromium at ${brokenChromium} did not start: `);
    expect(parsed.html || '').toContain(
      `No PDF attached: Chromium at ${brokenChromium} did not start: `,
    );
    expect(warnings.filter((w) => w.startsWith('digest of tenant no-pdf'))).toEqual([
      expect.stringContaining(
        `sent without its PDF: Chromium at ${brokenChromium} did not start: `,
      ),
    ]);
  });

  it('sends to the recipients the server takes, and keeps those it refused on the digest', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'refused', ['READ']);
    type Sent = { digest: { lastSentAt: string | null; lastRefused: string[] } };
    type Failed = { digest: { lastFailedAt: string | null; lastError: string | null } };
    // every recipient refused: no send, a failure the digest shows
    await gqlData(api.url, key, `mutation { setDigest(recipients: ["${GONE}"]) { schedule } }`);
    const none = await graphql(api.url, key, 'mutation { sendDigestNow }');
    expect(none.errors?.[0]?.extensions?.causewayCode).toBe('NOTIFY_MAIL_FAILED');
    const failed = await gqlData<Failed>(api.url, key, '{ digest { lastFailedAt lastError } }');
    expect(failed.digest.lastFailedAt).not.toBeNull();
    expect(failed.digest.lastError).toBe(none.errors?.[0]?.message);
    expect(failed.digest.lastError).toContain(GONE);
    // and an alert tells whoever listens (webhooks, Slack), until a send succeeds: what failed,
    // not whom the server refused, which the digest's record above keeps
    type Evaluated = {
      evaluateAlerts: {
        kind: string;
        subject: string;
        state: string;
        summary: string;
        evidence: unknown;
      }[];
    };
    const evaluate = 'mutation { evaluateAlerts { kind subject state summary evidence } }';
    const opened = await gqlData<Evaluated>(api.url, key, evaluate);
    expect(opened.evaluateAlerts).toEqual([
      {
        kind: 'DIGEST_NOT_SENT',
        subject: 'digest',
        state: 'OPEN',
        summary: `the digest was not sent at ${toTheMinute(failed.digest.lastFailedAt!)}: the mail server refused its only recipient (reply 550); the digest's lastError (read with a key of the tenant) has the details`,
        evidence: {
          failedAt: failed.digest.lastFailedAt,
          kind: 'the mail server refused its only recipient (reply 550)',
        },
      },
    ]);

    await gqlData(
      api.url,
      key,
      `mutation { setDigest(recipients: ["ceo@example.com", "${GONE}"]) { schedule } }`,
    );
    const before = mails.length;
    expect(
      (await gqlData<{ sendDigestNow: boolean }>(api.url, key, 'mutation { sendDigestNow }'))
        .sendDigestNow,
    ).toBe(true);
    expect(mails.slice(before).map((m) => m.envelopeTo)).toEqual([['ceo@example.com']]);
    // its DIGEST_NOT_SENT, still open, is not among the open alerts the digest lists
    expect(mails.at(-1)?.parsed.text).toContain('Open alerts: none.');
    const partly = await gqlData<Sent>(api.url, key, '{ digest { lastSentAt lastRefused } }');
    expect(partly.digest.lastRefused).toEqual([GONE]);
    expect(partly.digest.lastSentAt).not.toBeNull();
    // a send that went out after the failure: it is no longer shown
    const cleared = await gqlData<Failed>(api.url, key, '{ digest { lastFailedAt lastError } }');
    expect(cleared.digest).toEqual({ lastFailedAt: null, lastError: null });
    const resolved = await gqlData<Evaluated>(api.url, key, evaluate);
    expect(resolved.evaluateAlerts.map((a) => [a.kind, a.state])).toEqual([
      ['DIGEST_NOT_SENT', 'RESOLVED'],
    ]);
    // the log says how many, not whom: the digest's record names them
    expect(warnings.filter((w) => w.includes('the mail server refused'))).toEqual([
      "digest of tenant refused: the mail server refused 1 of 2 recipients (the digest's lastRefused names them); the others got it",
    ]);

    // the next send, which every recipient gets, says so
    await gqlData(
      api.url,
      key,
      'mutation { setDigest(recipients: ["ceo@example.com"]) { schedule } }',
    );
    await gqlData(api.url, key, 'mutation { sendDigestNow }');
    const whole = await gqlData<Sent>(api.url, key, '{ digest { lastSentAt lastRefused } }');
    expect(whole.digest.lastRefused).toEqual([]);
    expect(Date.parse(whole.digest.lastSentAt ?? '')).toBeGreaterThan(
      Date.parse(partly.digest.lastSentAt ?? ''),
    );
  });

  it('logs a scheduled send the server refused without the address, which the digest keeps', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'unnamed', ['READ']);
    // the tenant's lines, by its id wherever a line holds it
    const mine = () => errors.filter((e) => JSON.stringify(e).includes('unnamed'));
    // two seconds from now (once a year), to the one address the server refuses
    await gqlData(
      api.url,
      key,
      `mutation { setDigest(recipients: ["${GONE}"], schedule: "${cronOnceIn(2)}") { schedule } }`,
    );
    await until('a scheduled send to fail', () => mine().length > 0);
    await gqlData(api.url, key, `mutation { setDigest(recipients: ["${GONE}"]) { schedule } }`);

    expect(JSON.stringify(mine())).not.toContain(GONE);
    const [line] = mine();
    expect(line?.text).toMatch(/^digest not sent \(attempt 1 of 5, tried again in 60 s\)$/);
    expect((line?.fields as { err: LoggedFailure }).err).toMatchObject({
      type: 'NotifyException',
      code: 'NOTIFY_MAIL_FAILED',
    });
    // the digest's own record, which only the tenant's keys read, says whom the server refused
    const { digest } = await gqlData<{ digest: { lastError: string | null } }>(
      api.url,
      key,
      '{ digest { lastError } }',
    );
    expect(digest.lastError).toContain(`<${GONE}>: Recipient address rejected`);
  });

  it('sends a digest the mail server took once, though its send could not be recorded', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'unrecorded', ['READ']);
    const mine = () => mails.filter((m) => m.envelopeTo.includes('board@example.com'));
    // the store refuses the record of each send, after the mail server took the mail
    const recordSend = jest
      .spyOn(DigestsRepository.prototype, 'recordSend')
      .mockRejectedValue(
        new StorageException(StorageErrorCode.Unavailable, 'the store took no write'),
      );
    try {
      await gqlData(
        api.url,
        key,
        'mutation { setDigest(recipients: ["board@example.com"]) { schedule } }',
      );
      // sent now: the digest went out, so it is no failure and no DIGEST_NOT_SENT
      const now = await graphql(api.url, key, 'mutation { sendDigestNow }');
      expect(now.errors).toBeUndefined();
      expect(mine()).toHaveLength(1);
      const { digest } = await gqlData<{ digest: { lastFailedAt: string | null } }>(
        api.url,
        key,
        '{ digest { lastFailedAt } }',
      );
      expect(digest.lastFailedAt).toBeNull();
      const evaluated = await gqlData<{ evaluateAlerts: { kind: string }[] }>(
        api.url,
        key,
        'mutation { evaluateAlerts { kind } }',
      );
      expect(evaluated.evaluateAlerts).toEqual([]);

      // on its schedule: the send is not tried again (a minute later, a second mail)
      await gqlData(
        api.url,
        key,
        `mutation { setDigest(recipients: ["board@example.com"], schedule: "${cronOnceIn(2)}") { schedule } }`,
      );
      await until('the scheduled send', () => mine().length === 2);
      await until('its record to be tried', () => recordSend.mock.calls.length === 2);
      await sleep(500);
      const tenantLines = errors.filter((e) => JSON.stringify(e).includes('unrecorded'));
      expect(tenantLines.map((e) => e.text)).toEqual([
        'digest sent, but its send was not recorded: lastSentAt does not show it',
        'digest sent, but its send was not recorded: lastSentAt does not show it',
      ]);
    } finally {
      recordSend.mockRestore();
      await gqlData(
        api.url,
        key,
        'mutation { setDigest(recipients: ["board@example.com"]) { schedule } }',
      );
    }
  });

  it('gives the mail of one scheduled send one Message-ID, however often it is sent', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'resent', ['READ']);
    await gqlData(
      api.url,
      key,
      'mutation { setDigest(recipients: ["resent@example.com"]) { schedule } }',
    );
    const sender = api.app.get(DigestSender);
    const planned = new Date('2026-11-30T07:00:00.000Z');
    // the send planned at 07:00 on Monday, sent again as after a crash before its record (the
    // queue's job runs again, with its planned time), then the next week's
    await sender.sendScheduled('resent', planned);
    await sender.sendScheduled('resent', planned);
    await sender.sendScheduled('resent', new Date('2026-12-07T07:00:00.000Z'));
    const ids = mails
      .filter((m) => m.envelopeTo.includes('resent@example.com'))
      .map((m) => m.parsed.messageId);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toBe(ids[0]);
    // DIGEST_FROM is the default, Causeway <causeway@localhost>: the id is at its domain
    expect(ids[0]).toMatch(/^<digest-[0-9a-f]{32}@localhost>$/);
    expect(ids[2]).toMatch(/^<digest-[0-9a-f]{32}@localhost>$/);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('keeps recipients and schedule set during a scheduled send, and goes on from them', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'moves', ['READ']);
    let release = () => {};
    hold = new Promise<void>((resolve) => (release = resolve));
    const before = mails.length;
    // two seconds from now (once a year): the schedule's send starts during the test
    await gqlData(
      api.url,
      key,
      `mutation { setDigest(recipients: ["before@example.com"], schedule: "${cronOnceIn(2)}") { schedule } }`,
    );
    await until('the scheduled send to reach the mail server', () =>
      begun.some((to) => to.includes('before@example.com')),
    );
    // while the mail server holds that send: new recipients and the default schedule
    await gqlData(
      api.url,
      key,
      `mutation { setDigest(recipients: ["after@example.com"]) { schedule } }`,
    );
    hold = undefined;
    release();
    await until('the held mail to be taken', () => mails.length > before);
    // nothing more goes out: the schedule set during the send (Monday 07:00) is the one kept
    await sleep(3_000);

    expect(mails.slice(before).map((m) => m.envelopeTo)).toEqual([['before@example.com']]);
    const { digest } = await gqlData<{
      digest: { recipients: string[]; schedule: string; lastSentAt: string | null };
    }>(api.url, key, `{ digest { recipients schedule lastSentAt } }`);
    expect(digest.recipients).toEqual(['after@example.com']);
    expect(digest.schedule).toBe('0 7 * * 1');
    expect(digest.lastSentAt).not.toBeNull();
  });
  it('sends a digest stored with a schedule of every second at most once an hour', async () => {
    // stored before setDigest refused schedules that run more than once an hour, and armed as the
    // API arms every stored digest at start
    const digest = {
      tenantId: 'stored-often',
      recipients: ['often@example.com'],
      schedule: '* * * * * *',
      timeZone: 'UTC',
      updatedAt: new Date(),
    };
    await api.app.get(DigestsRepository).save(digest);
    await api.app.get(DigestScheduler).apply(digest);
    const toOften = () => mails.filter((m) => m.envelopeTo.includes('often@example.com'));
    await until('the first scheduled send', () => toOften().length > 0);
    // every second for five seconds more: each run comes less than an hour after the send
    await sleep(5_000);
    const key = await mintKey(api.url, ADMIN_KEY, 'stored-often', ['READ']);
    await gqlData(
      api.url,
      key,
      'mutation { setDigest(recipients: ["often@example.com"]) { schedule } }',
    );

    expect(toOften()).toHaveLength(1);
    expect(
      warnings.filter((w) => w.includes('tenant stored-often') && w.includes('skipped')).length,
    ).toBeGreaterThanOrEqual(3);
  });
});
