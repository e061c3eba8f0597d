// The weekly digest as a recipient gets it: a real SMTP server (smtp-server) receives the e-mail
// with the last full week's headline, the open alerts, the report as a PDF attachment and a share
// link that a real headless Chromium opens with no key. Without SMTP_URL, sendDigestNow says what
// is missing. The API runs in this process on a real embedded store.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { alertLinkPattern, openAlertLink, REPORT_PLACE } from './support/alert-links.js';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  launchChromium,
  pdfPageCount,
} from './support/chromium.js';
import { cronOnceIn } from './support/cron.js';
import { graphql, gqlData, mintKey } from './support/client.js';
import { MAIN_PROGRAM_ONLY, uploadDemoProgram } from './support/demo-program.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY, requirePart } from './support/processes.js';
import { startTestSmtp, type ReceivedMail, type TestSmtp } from './support/smtp.js';

const runs = requirePart(chromiumAvailable());
const DAY = 86_400_000;

/** The API of both suites: Chromium for the PDF, links to where it listens, no alert schedule. */
const appEnv = (port: number) => ({
  CHROMIUM_PATH,
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  ALERT_EVALUATE_EVERY_MS: '0',
});

(runs ? describe : describe.skip)('the weekly digest over a real SMTP server', () => {
  let key: string;
  let smtp: TestSmtp | undefined;
  let mails: ReceivedMail[] = [];

  beforeAll(async () => {
    smtp = await startTestSmtp();
    mails = smtp.mails;
  });
  const api = inProcessApiForSuite('digest', ADMIN_KEY, (port) => ({
    ...appEnv(port),
    SMTP_URL: smtp!.url,
  }));
  beforeAll(async () => {
    key = await mintKey(api.url, ADMIN_KEY, 'acme', ['INGEST', 'READ']);
    // a program over the three weeks before today, so that the last full week has data
    const start = new Date(Math.floor((Date.now() - 21 * DAY) / DAY) * DAY);
    await uploadDemoProgram(api.url, key, {
      seed: 7,
      persons: 2_000,
      start,
      days: 21,
      plantedBlockRows: MAIN_PROGRAM_ONLY,
    });
  });
  afterAll(async () => {
    await smtp?.close();
  });

  /** The first error of a setDigest with these arguments. */
  const refusal = async (args: string) =>
    (await graphql(api.url, key, `mutation { setDigest(${args}) { schedule } }`)).errors?.[0];

  it('refuses bad recipients and schedules, naming the field', async () => {
    expect((await refusal('recipients: ["not-an-address"]'))?.message).toMatch(
      /^recipients: .*not-an-address/,
    );
    expect(
      (await refusal('recipients: ["a@example.com"], schedule: "every monday"'))?.message,
    ).toMatch(/^schedule: /);
    // every 5 minutes would e-mail the staff 288 times a day
    const often = await refusal('recipients: ["a@example.com"], schedule: "*/5 * * * *"');
    expect(often?.message).toBe(
      'schedule: "*/5 * * * *" runs every 5 minutes; a digest goes out at most once an hour',
    );
    expect(often?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads the schedule in the time zone it is given, and refuses one that is not a zone', async () => {
    const set = await gqlData<{ setDigest: { timeZone: string; nextRunAt: string } }>(
      api.url,
      key,
      `mutation { setDigest(recipients: ["ceo@example.com"], timeZone: "Europe/Berlin") { timeZone nextRunAt } }`,
    );
    expect(set.setDigest.timeZone).toBe('Europe/Berlin');
    // Monday 07:00 as a clock in Berlin shows it, whatever the season
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    // (ICU versions differ on a comma after the weekday)
    expect(berlin.format(new Date(set.setDigest.nextRunAt)).replace(',', '')).toBe('Mon 07:00');
    const read = await gqlData<{ digest: { timeZone: string } }>(
      api.url,
      key,
      `{ digest { timeZone } }`,
    );
    expect(read.digest.timeZone).toBe('Europe/Berlin');
    const bad = await refusal('recipients: ["ceo@example.com"], timeZone: "CEST"');
    expect(bad?.message).toMatch(/^timeZone: "CEST" is not a time zone/);
    expect(bad?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('sends the digest with the headline, open alerts, the PDF and a share link that opens without a key', async () => {
    const set = await gqlData<{
      setDigest: { recipients: string[]; schedule: string; nextRunAt: string };
    }>(
      api.url,
      key,
      `mutation { setDigest(recipients: ["ceo@example.com", "growth@example.com"]) { recipients schedule nextRunAt } }`,
    );
    expect(set.setDigest.schedule).toBe('0 7 * * 1');
    const next = new Date(set.setDigest.nextRunAt);
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 7, 0]);
    const evaluated = await gqlData<{
      evaluateAlerts: { kind: string; summary: string; state: string }[];
    }>(api.url, key, `mutation { evaluateAlerts { kind summary state } }`);
    const open = evaluated.evaluateAlerts.filter((a) => a.state === 'OPEN');
    expect(open.length).toBeGreaterThan(0);

    expect(
      (await gqlData<{ sendDigestNow: boolean }>(api.url, key, `mutation { sendDigestNow }`))
        .sendDigestNow,
    ).toBe(true);
    expect(mails).toHaveLength(1);
    const [{ envelopeTo, parsed }] = mails as [(typeof mails)[number]];
    expect(envelopeTo.sort()).toEqual(['ceo@example.com', 'growth@example.com']);
    expect(parsed.subject).toMatch(
      /^Causeway weekly digest: \d{1,2} [A-Z][a-z]{2}( \d{4})? – \d{1,2} [A-Z][a-z]{2} \d{4}$/,
    );
    const text = parsed.text ?? '';
    // as the attached report's headline prints it: signed whole conversions
    expect(text).toMatch(
      /Headline: (?:[+−]\d[\d,]*|0)(?:\.\d+)? incremental conversions \(95% interval/,
    );
    const counts = /Triggers: (\d+) work, (\d+) do nothing, (\d+) harm, (\d+) can't tell/.exec(
      text,
    );
    expect(counts).not.toBeNull();
    // every trigger that fired in the week is read one way or another
    expect(counts!.slice(1).reduce((sum, n) => sum + Number(n), 0)).toBeGreaterThan(0);
    expect(text).toContain(`Open alerts (${open.length}):`);
    for (const alert of open) {
      expect(text).toContain(`${alert.kind}: ${alert.summary}`);
    }
    // each alert the report shows links to its figures there, a link that opens without a key
    const linked = open.filter((alert) => REPORT_PLACE[alert.kind] !== undefined);
    expect(linked.length).toBeGreaterThan(0);
    for (const alert of linked) {
      const section = REPORT_PLACE[alert.kind]!.section;
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`  - ${alert.kind}: ${alert.summary}`));
      const link = alertLinkPattern(api.url, section).exec(line ?? '')?.[0];
      expect(line).toBe(`  - ${alert.kind}: ${alert.summary} (its figures: ${link})`);
      expect(parsed.html).toContain(`<a href="${link}">its figures</a>`);
      const page = await openAlertLink(link!);
      expect(page.status).toBe(200);
      expect(page.body).toContain(`<section id="${section}">`);
    }
    const pdf = parsed.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf).toBeDefined();
    expect(pdf!.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(pdf!.content)).toBeGreaterThanOrEqual(3);

    const link = new RegExp(`${api.url}/share/[A-Za-z0-9_-]{43}`).exec(text)?.[0];
    expect(link).toBeDefined();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const response = await page.goto(link!, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(await page.title()).toContain('Lift report');
      expect(await page.locator('section#headline').count()).toBe(1);
    } finally {
      await browser.close();
    }
  });

  it('sends it by itself on its schedule', async () => {
    const before = mails.length;
    // three seconds from now (once a year), to see the schedule fire during the test
    await gqlData(
      api.url,
      key,
      `mutation { setDigest(recipients: ["ops@example.com"], schedule: "${cronOnceIn(3)}") { schedule } }`,
    );
    const deadline = Date.now() + 60_000;
    while (mails.length === before && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    await gqlData(
      api.url,
      key,
      `mutation { setDigest(recipients: ["ops@example.com"]) { schedule } }`,
    );
    const scheduled = mails[before];
    expect(scheduled?.envelopeTo).toEqual(['ops@example.com']);
    expect(scheduled?.parsed.subject).toMatch(/^Causeway weekly digest: /);
    const digest = await gqlData<{ digest: { lastSentAt: string | null; schedule: string } }>(
      api.url,
      key,
      `{ digest { lastSentAt schedule } }`,
    );
    expect(digest.digest.schedule).toBe('0 7 * * 1');
    expect(digest.digest.lastSentAt).not.toBeNull();
  });
});

describe('the digest without SMTP_URL', () => {
  const api = inProcessApiForSuite('digest', ADMIN_KEY, appEnv);

  it('says that SMTP_URL is missing', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'nomail', ['READ']);
    await gqlData(
      api.url,
      key,
      `mutation { setDigest(recipients: ["a@example.com"]) { schedule } }`,
    );
    const answer = await graphql(
      api.url,
      key,
      `
        mutation {
          sendDigestNow
        }
      `,
    );
    expect(answer.errors?.[0]?.message).toContain('SMTP_URL is not set');
    // and the digest says so to whoever reads it
    const { digest } = await gqlData<{
      digest: {
        lastSentAt: string | null;
        lastFailedAt: string | null;
        lastError: string | null;
      };
    }>(api.url, key, '{ digest { lastSentAt lastFailedAt lastError } }');
    expect(digest.lastSentAt).toBeNull();
    expect(digest.lastFailedAt).not.toBeNull();
    expect(digest.lastError).toContain('SMTP_URL is not set');
  });
});
