// The leadership report as a person gets it: a real headless Chromium opens GET /reports/lift
// with a Bearer key on a loaded demo program, finds every section and chart, and sees no console
// error; the page's figures are the GraphQL API's; the PDF is a real multi-page PDF with every
// section; without a browser the PDF route answers 503 with how to install one. Screenshots land
// in artifacts/ (look at them).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  pdfOutlineTitles,
  pdfPageCount,
} from './support/chromium.js';
import { gqlData, mintKey } from './support/client.js';
import { uploadDemoProgram } from './support/demo-program.js';
import { requirePart, startApi, type ApiProcess } from './support/processes.js';

const runs = requirePart(chromiumAvailable());
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const FROM = '2026-10-01T00:00:00Z';
const TO = '2026-10-31T00:00:00Z';
const REPORT = `/reports/lift?from=${FROM}&to=${TO}`;

const SECTIONS = ['headline', 'lift', 'over-time', 'latency', 'harm', 'compliance', 'method'];
const CHARTS = ['forest-plot', 'latency-chart', 'harm-chart', 'dose-response', 'compliance-chart'];
const HEADINGS = [
  'The answer in one minute',
  'Which triggers work',
  'Lift over time',
  'How soon the effect shows',
  'Are we fast enough?',
  'Side effects',
  'Message pressure',
  'Contacts that should not have happened',
  'How to read this report',
];

/** The report's way of printing a change in points: +8.48 pts, −3.15 pts (a real minus). */
const points = (share: number) => {
  const text = Math.abs(share * 100).toFixed(2);
  return `${share * 100 > 0 && Number(text) !== 0 ? '+' : share < 0 && Number(text) !== 0 ? '−' : ''}${text} pts`;
};

(runs ? describe : describe.skip)('the lift report in a real browser', () => {
  let api: ApiProcess;
  let key: string;
  let browser: Browser;
  const auth = () => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startApi({ CHROMIUM_PATH });
    key = await mintKey(api.url, api.adminKey, 'demo', ['INGEST', 'READ']);
    await uploadDemoProgram(api.url, key, { seed: 20_261_001, persons: 3_000 });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await api?.dispose();
  });

  it('opens with the key, shows every section and chart, loads nothing else and logs no error', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        extraHTTPHeaders: auth(),
        viewport: { width: 1100, height: 900 },
        colorScheme,
      });
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') {
          problems.push(`${message.type()}: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('request', (request) => requests.push(request.url()));
      const response = await page.goto(`${api.url}${REPORT}`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/^text\/html/);
      expect(await page.title()).toContain('Lift report');
      for (const id of SECTIONS) {
        expect(await page.locator(`section#${id}`).count()).toBe(1);
      }
      for (const id of CHARTS) {
        const chart = page.locator(`svg#${id}`);
        expect(await chart.count()).toBe(1);
        const box = await chart.boundingBox();
        expect(box?.width).toBeGreaterThan(500);
        expect(box?.height).toBeGreaterThan(80);
        // drawn, not empty: marks in the plot
        expect(await chart.locator('circle, rect, line, polyline').count()).toBeGreaterThan(5);
      }
      // one forest-plot row per trigger that fired in the period: the demo's six live ones, the
      // four of its deeper-statistics block (libs/demo/deeper.ts) and the two of its over-time
      // block (libs/demo/over-time-block.ts)
      expect(await page.locator('svg#forest-plot text.label').count()).toBe(12);
      expect(await page.locator('svg#forest-plot circle.point').count()).toBeGreaterThan(3);
      // lift over time: a drawn small chart per live trigger (the twelve of the forest plot),
      // curves of the top three
      expect(await page.locator('svg[id^="lift-over-time-"] path.curve').count()).toBe(12);
      expect(await page.locator('svg[id^="lift-over-time-"] path.band').count()).toBe(12);
      expect(await page.locator('svg[id^="conversion-curve-"] path.treated-line').count()).toBe(3);
      expect(await page.locator('svg[id^="conversion-curve-"] path.holdout-line').count()).toBe(3);
      await page.locator('section#over-time').screenshot({
        path: join(ARTIFACTS, `lift-over-time-${colorScheme}.png`),
      });
      // the page is all there is: no request but the page itself, no script
      expect(requests).toEqual([`${api.url}${REPORT}`]);
      expect(await page.locator('script').count()).toBe(0);
      expect(problems).toEqual([]);
      await page.screenshot({
        path: join(ARTIFACTS, `lift-report-${colorScheme}.png`),
        fullPage: true,
      });
      await context.close();
    }
  });

  it('prints the GraphQL API’s figures for each trigger', async () => {
    const data = await gqlData<{
      liftReport: {
        triggerId: string;
        absoluteLift: { estimate: number } | null;
        verdict: string;
        srm: { flagged: boolean };
      }[];
      triggers: { triggerId: string; name: string }[];
    }>(
      api.url,
      key,
      `query($from: DateTime!, $to: DateTime!) {
         liftReport(from: $from, to: $to) { triggerId absoluteLift { estimate } verdict srm { flagged } }
         triggers { triggerId name } }`,
      { from: FROM, to: TO },
    );
    const html = await (await fetch(`${api.url}${REPORT}`, { headers: auth() })).text();
    // the twelve live triggers of the forest plot
    expect(data.liftReport.length).toBe(12);
    for (const row of data.liftReport) {
      const name = data.triggers.find((t) => t.triggerId === row.triggerId)?.name ?? row.triggerId;
      expect(html).toContain(name);
      if (row.absoluteLift !== null && !row.verdict.startsWith('too little data')) {
        expect(html).toContain(points(row.absoluteLift.estimate));
      }
    }
    // the planted broken split is called out by name
    const srm = data.liftReport.filter((r) => r.srm.flagged);
    expect(srm.length).toBeGreaterThan(0);
    expect(html).toContain('Do not trust');
  });

  it('prints the same report as a PDF with a page per section and every heading', async () => {
    const response = await fetch(`${api.url}/reports/lift.pdf?from=${FROM}&to=${TO}`, {
      headers: auth(),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfPageCount(pdf)).toBeGreaterThanOrEqual(5);
    const outline = pdfOutlineTitles(pdf);
    for (const heading of HEADINGS) {
      expect(outline).toContain(heading);
    }
  });

  it('needs a READ key', async () => {
    expect((await fetch(`${api.url}${REPORT}`)).status).toBe(401);
    const ingestOnly = await mintKey(api.url, api.adminKey, 'demo', ['INGEST']);
    const forbidden = await fetch(`${api.url}${REPORT}`, {
      headers: { authorization: `Bearer ${ingestOnly}` },
    });
    expect(forbidden.status).toBe(403);
  });

  it('answers a period it cannot read with 400 and the rule', async () => {
    const missing = await fetch(`${api.url}/reports/lift?from=${FROM}`, { headers: auth() });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toMatch(/to is required/);
    const reversed = await fetch(`${api.url}/reports/lift?from=${TO}&to=${FROM}`, {
      headers: auth(),
    });
    expect(reversed.status).toBe(400);
    expect(((await reversed.json()) as { message: string }).message).toBe('from must be before to');
  });
});

describe('the PDF without a browser', () => {
  let api: ApiProcess;
  let key: string;

  beforeAll(async () => {
    api = await startApi({ CHROMIUM_PATH: '/nonexistent/chromium' });
    key = await mintKey(api.url, api.adminKey, 'nobrowser', ['READ']);
  });
  afterAll(async () => {
    await api?.dispose();
  });

  it('answers 503 saying what is missing and how to install it; the HTML still works', async () => {
    const headers = { authorization: `Bearer ${key}` };
    const pdf = await fetch(`${api.url}/reports/lift.pdf?from=${FROM}&to=${TO}`, { headers });
    expect(pdf.status).toBe(503);
    const body = (await pdf.json()) as { message: string };
    expect(body.message).toContain('/nonexistent/chromium');
    expect(body.message).toContain('apt-get install -y chromium');
    expect(body.message).toContain('CHROMIUM_PATH');
    expect((await fetch(`${api.url}${REPORT}`, { headers })).status).toBe(200);
  });
});
