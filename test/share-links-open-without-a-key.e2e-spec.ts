// A share link opens one report in a real headless Chromium with no key at all: the live lift
// report of the link's period and its PDF, or a frozen snapshot. Unknown, expired and revoked
// tokens answer 404 alike; every answer carries no-store, no-referrer and noindex. The API runs in
// this process on a real embedded store so that the test can plant an expired link.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import {
  hashShareToken,
  newShareToken,
  ShareLinksRepository,
  ShareResource,
} from '../libs/notify/index.js';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  launchChromium,
  pdfPageCount,
} from './support/chromium.js';
import { gqlData, mintKey } from './support/client.js';
import { uploadDemoProgram } from './support/demo-program.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY, requirePart } from './support/processes.js';

const runs = requirePart(chromiumAvailable());
const FROM = '2026-10-01T00:00:00Z';
const TO = '2026-10-31T00:00:00Z';

const CREATE = `mutation($resource: ShareResource!, $from: DateTime, $to: DateTime, $snapshotId: ID, $hours: Int) {
  createShareLink(resource: $resource, from: $from, to: $to, snapshotId: $snapshotId, expiresInHours: $hours) {
    id url resource expiresAt
  }
}`;

(runs ? describe : describe.skip)('share links in a real browser, without a key', () => {
  let key: string;
  let browser: Browser;

  const api = inProcessApiForSuite('share', ADMIN_KEY, (port) => ({
    CHROMIUM_PATH,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ALERT_EVALUATE_EVERY_MS: '0',
  }));

  beforeAll(async () => {
    key = await mintKey(api.url, ADMIN_KEY, 'demo', ['INGEST', 'READ']);
    await uploadDemoProgram(api.url, key, { seed: 20_261_001, persons: 1_500 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const create = async (variables: Record<string, unknown>) =>
    (
      await gqlData<{ createShareLink: { id: string; url: string; expiresAt: string } }>(
        api.url,
        key,
        CREATE,
        variables,
      )
    ).createShareLink;

  it('opens the lift report of its period in Chromium with no key, and its PDF', async () => {
    const link = await create({ resource: 'LIFT_REPORT', from: FROM, to: TO });
    expect(link.url).toMatch(new RegExp(`^${api.url}/share/[A-Za-z0-9_-]{43}$`));
    expect(new Date(link.expiresAt).getTime() - Date.now()).toBeGreaterThan(167 * 3_600_000);
    const context = await browser.newContext();
    const page = await context.newPage();
    const sent: Record<string, string>[] = [];
    page.on('request', (request) => sent.push(request.headers()));
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const response = await page.goto(link.url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(sent.every((headers) => headers.authorization === undefined)).toBe(true);
    const headers = response?.headers() ?? {};
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-robots-tag']).toBe('noindex');
    // the report's own policy (inline styles, data: images, nothing fetched), not the API's default
    expect(headers['content-security-policy']).toMatch(
      /^default-src 'none'; style-src 'unsafe-inline'; img-src data:/,
    );
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(await page.title()).toContain('Lift report');
    // the demo's thirteen live triggers (six, five of its deeper-statistics block and two of its
    // over-time block), each a row of the forest plot
    expect(await page.locator('svg#forest-plot text.label').count()).toBe(13);
    expect(problems).toEqual([]);
    await context.close();

    const pdf = await fetch(`${link.url}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const body = Buffer.from(await pdf.arrayBuffer());
    expect(body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(body)).toBeGreaterThanOrEqual(3);
  });

  it('opens a frozen snapshot', async () => {
    const snapshot = await gqlData<{ createReportSnapshot: { id: string } }>(
      api.url,
      key,
      `mutation($from: DateTime!, $to: DateTime!) { createReportSnapshot(from: $from, to: $to) { id } }`,
      { from: FROM, to: TO },
    );
    const id = snapshot.createReportSnapshot.id;
    const link = await create({ resource: 'SNAPSHOT', snapshotId: id });
    const page = await fetch(link.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(id);
  });

  it('answers 404 with no detail for unknown, revoked and expired links', async () => {
    const revoked = await create({ resource: 'LIFT_REPORT', from: FROM, to: TO, hours: 1 });
    expect((await fetch(revoked.url)).status).toBe(200);
    await gqlData(api.url, key, `mutation($id: ID!) { revokeShareLink(id: $id) }`, {
      id: revoked.id,
    });

    // a link that expired a minute ago, planted in the store as createShareLink would write it
    const expiredToken = newShareToken();
    await api.app.get(ShareLinksRepository).save({
      tenantId: 'demo',
      linkId: 'sl_expired',
      tokenHash: hashShareToken(expiredToken),
      resource: ShareResource.LIFT_REPORT,
      from: new Date(FROM),
      to: new Date(TO),
      snapshotId: null,
      createdAt: new Date(Date.now() - 3_600_000),
      expiresAt: new Date(Date.now() - 60_000),
      revokedAt: null,
    });
    const answers = [];
    for (const target of [
      revoked.url,
      `${revoked.url}.pdf`,
      `${api.url}/share/${expiredToken}`,
      `${api.url}/share/${newShareToken()}`,
      `${api.url}/share/not-a-token`,
    ]) {
      const response = await fetch(target);
      answers.push({
        status: response.status,
        body: await response.text(),
        cache: response.headers.get('cache-control'),
        robots: response.headers.get('x-robots-tag'),
        referrer: response.headers.get('referrer-policy'),
      });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a)))).toEqual(
      new Set([
        JSON.stringify({
          status: 404,
          body: answers[0].body,
          cache: 'no-store',
          robots: 'noindex',
          referrer: 'no-referrer',
        }),
      ]),
    );
    expect(answers[0].body).not.toMatch(/revoked|expired|unknown/i);
    // a page for the person who clicked it, the same whatever the reason
    expect(answers[0].body).toContain('<h1>This link opens no report</h1>');
    const listed = await gqlData<{
      shareLinks: { id: string; url: string; revokedAt: string | null }[];
    }>(api.url, key, `{ shareLinks { id url revokedAt } }`);
    const revokedRow = listed.shareLinks.find((l) => l.id === revoked.id);
    expect(revokedRow?.revokedAt).not.toBeNull();
    // the token is not in the list: it is stored hashed
    expect(listed.shareLinks.every((l) => !l.url.includes(revoked.url.split('/').pop()!))).toBe(
      true,
    );
  });

  it('refuses a link with bad arguments, naming the field', async () => {
    const result = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: CREATE, variables: { resource: 'LIFT_REPORT', from: FROM } }),
    });
    const body = (await result.json()) as { errors: { message: string }[] };
    expect(body.errors[0].message).toMatch(/^from, to:/);
  });
});
