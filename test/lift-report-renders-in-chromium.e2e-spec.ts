// The leadership report as a person gets it: a real headless Chromium opens GET /reports/lift
// with a Bearer key on a loaded demo program, finds every section and chart, and sees no console
// error; the page's figures are the GraphQL API's; the PDF is a real multi-page PDF with every
// section; without a browser the PDF route answers 503 with how to install one. The segments
// that respond differently, the plans of the triggers that cannot tell and the revenue cap are
// checked against figures recomputed here from the generated rows (libs/demo/truth-deeper.ts),
// never read from the code under test. Screenshots land in artifacts/ (look at them).

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  CHROMIUM_PATH,
  chromiumAvailable,
  launchChromium,
  pdfOutlineTitles,
  pdfPageCount,
} from './support/chromium.js';
import {
  armsTruth,
  cappedRevenueTruth,
  computeDeeperTruth,
  plantedDeeperFacts,
  segmentTruth,
  type DeeperTruth,
  type GeneratedProgram,
} from '../libs/demo/index.js';
import { gqlData, mintKey } from './support/client.js';
import { uploadDemoProgram } from './support/demo-program.js';
import { absoluteEffect, segmentCheck, Z_975 } from './support/planted-truth.js';
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

const Z_080 = 0.8416212335729143;
const DAY = 86_400_000;
/** The segment dimensions the report checks besides properties, and how many properties. */
const SEGMENT_DIMENSIONS = ['channel', 'surface'];
const SEGMENT_PROPERTIES = 5;

const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const percent = (share: number, digits: number) => `${(share * 100).toFixed(digits)}%`;

/** The report's p-value: 0.012, or 2.9 × 10−17 (the exponent a superscript) below 0.001. */
const pValueText = (p: number) => {
  if (p >= 0.001) {
    return `p = ${p.toFixed(3)}`;
  }
  const [mantissa, exponent] = p.toExponential(1).split('e');
  return `p = ${mantissa} × 10${exponent.replace('-', '−')}`;
};

/** The report's way of printing a change in points: +8.48 pts, −3.15 pts (a real minus). */
const points = (share: number) => {
  const text = Math.abs(share * 100).toFixed(2);
  return `${share * 100 > 0 && Number(text) !== 0 ? '+' : share < 0 && Number(text) !== 0 ? '−' : ''}${text} pts`;
};

(runs ? describe : describe.skip)('the lift report in a real browser', () => {
  let api: ApiProcess;
  let key: string;
  let browser: Browser;
  let program: GeneratedProgram;
  let truth: DeeperTruth;
  const auth = () => ({ authorization: `Bearer ${key}` });
  const liveTriggers = () => [
    ...new Set(program.rows.triggers.filter((t) => t.status === 'live').map((t) => t.trigger_id)),
  ];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    api = await startApi({ CHROMIUM_PATH });
    key = await mintKey(api.url, api.adminKey, 'demo', ['INGEST', 'READ']);
    program = await uploadDemoProgram(api.url, key, { seed: 20_261_001, persons: 3_000 });
    truth = computeDeeperTruth(program.rows, program.period);
    browser = await launchChromium();
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
      // five of its deeper-statistics block (libs/demo/deeper.ts) and the two of its over-time
      // block (libs/demo/over-time-block.ts)
      expect(await page.locator('svg#forest-plot text.label').count()).toBe(13);
      expect(await page.locator('svg#forest-plot circle.point').count()).toBeGreaterThan(3);
      // lift over time: a drawn small chart per live trigger (the thirteen of the forest plot),
      // curves of the top three
      expect(await page.locator('svg[id^="lift-over-time-"] path.curve').count()).toBe(13);
      expect(await page.locator('svg[id^="lift-over-time-"] path.band').count()).toBe(13);
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
      for (const part of ['segments', 'plans']) {
        await page.locator(`div#${part}`).screenshot({
          path: join(ARTIFACTS, `lift-report-${part}-${colorScheme}.png`),
        });
      }
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
    // the thirteen live triggers of the forest plot
    expect(data.liftReport.length).toBe(13);
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

  it('names the segments that respond differently, shrunk, with the figures of the rows', async () => {
    const period = program.period;
    const live = liveTriggers();
    // the property names on the live triggers' firings in the period, most used first
    const counts = new Map<string, number>();
    for (const firing of program.rows.firings) {
      const at = Date.parse(firing.decided_at);
      if (
        live.includes(firing.trigger_id) &&
        at >= period.from.getTime() &&
        at < period.to.getTime()
      ) {
        for (const name of Object.keys(firing.properties ?? {})) {
          counts.set(name, (counts.get(name) ?? 0) + 1);
        }
      }
    }
    const properties = [...counts]
      .sort(([a, na], [b, nb]) => nb - na || (a < b ? -1 : 1))
      .slice(0, SEGMENT_PROPERTIES)
      .map(([name]) => name);
    const expected: {
      triggerId: string;
      by: string;
      segments: string[];
      shrunk: string[];
      p: string;
    }[] = [];
    let tested = 0;
    for (const triggerId of live) {
      for (const by of [...SEGMENT_DIMENSIONS, ...properties.map((p) => `property:${p}`)]) {
        const [dimension, property] = by.startsWith('property:')
          ? ['property', by.slice('property:'.length)]
          : [by, undefined];
        const segments = segmentTruth(truth, triggerId, dimension, property, 20);
        const check = segmentCheck(segments.map((s) => absoluteEffect(s.treatment, s.control)));
        if (check === null) {
          continue;
        }
        tested += 1;
        if (check.flagged) {
          const range = (i: { estimate: number; low: number; high: number } | null) =>
            i === null
              ? '—'
              : `${points(i.estimate)} [${points(i.low).replace(' pts', '')}, ${points(i.high).replace(' pts', '')}]`;
          expected.push({
            triggerId,
            by,
            segments: segments.map((s) => s.segment),
            shrunk: check.shrunk.map(range),
            p: pValueText(check.pValue),
          });
        }
      }
    }
    // planted: the tier trigger, by its tier property, and nothing else
    expect(expected.map((e) => [e.triggerId, e.by])).toEqual([
      [plantedDeeperFacts().heterogeneousTrigger.triggerId, 'property:tier'],
    ]);
    const context = await browser.newContext({ extraHTTPHeaders: auth() });
    const page = await context.newPage();
    await page.goto(`${api.url}${REPORT}`, { waitUntil: 'load' });
    expect(await page.locator('div#segments p.lede').textContent()).toContain(
      `split by channel, surface, ${properties.map((p) => `property ${p}`).join(', ')} (${tested} split${tested === 1 ? '' : 's'} with segments to compare)`,
    );
    const checks = page.locator('div.segment-check');
    expect(await checks.count()).toBe(expected.length);
    for (const [index, e] of expected.entries()) {
      const check = checks.nth(index);
      expect([
        await check.getAttribute('data-trigger'),
        await check.getAttribute('data-by'),
      ]).toEqual([e.triggerId, e.by]);
      expect(await check.locator('.p-value').textContent()).toBe(e.p);
      expect(await check.locator('tbody td:first-child').allTextContents()).toEqual(e.segments);
      expect(await check.locator('tbody td.shrunk').allTextContents()).toEqual(e.shrunk);
    }
    await context.close();
  });

  it('says what a trigger too small to tell would need, from the rows', async () => {
    const { triggerId } = plantedDeeperFacts().underpoweredTrigger;
    const { treatment, control } = armsTruth(truth, triggerId);
    // planted: too few held-out persons for a lift (at least 100 per arm, docs/design.md §3)
    expect(control.persons).toBeLessThan(100);
    const n = treatment.persons + control.persons;
    const p = control.converters / control.persons;
    const h = control.persons / n;
    const perDay = n / ((program.period.to.getTime() - program.period.from.getTime()) / DAY);
    const z = Z_975 + Z_080;
    const currentMde = (z * Math.sqrt(p * (1 - p) * (1 / (n * h) + 1 / (n * (1 - h))))) / p;
    const days = (z * z * p * (1 - p) * (1 / h + 1 / (1 - h))) / ((p * 0.1) ** 2 * perDay);
    const k = ((p * 0.1) ** 2 * 28 * perDay) / (z * z * p * (1 - p));
    const share =
      k < 4
        ? ', and not even a 50% holdout would within 28 days'
        : `, or ${percent((1 - Math.sqrt(1 - 4 / k)) / 2, 0)} held out to know within 28 days`;
    const html = await (await fetch(`${api.url}${REPORT}`, { headers: auth() })).text();
    const item = new RegExp(`<li data-trigger="${triggerId}">(.*?)</li>`).exec(html)?.[1];
    expect(item).toBe(
      `<strong>${triggerId}</strong> <span class="meta">(too little data)</span>: ` +
        `with the ${integer(n)} persons seen it detects a lift of ${percent(currentMde, 1)} or more; ` +
        `to detect +10% it needs about ${integer(days * perDay)} persons: ${integer(Math.ceil(days))} days ` +
        `at the current ${integer(perDay)} a day and ${percent(h, 0)} holdout${share}.`,
    );
  });

  it('caps revenue when asked, saying at which percentile and each trigger’s cap from the rows', async () => {
    const plain = await (await fetch(`${api.url}${REPORT}`, { headers: auth() })).text();
    expect(plain).not.toContain('id="revenue-cap"');
    const capped = await (
      await fetch(`${api.url}${REPORT}&revenueCap=99%25`, { headers: auth() })
    ).text();
    expect(capped).toContain('Incremental revenue (EUR), capped at the 99th percentile');
    expect(capped).toContain('<strong>Revenue is capped:</strong>');
    const { triggerId } = plantedDeeperFacts().outlierTrigger;
    const cap = cappedRevenueTruth(truth, triggerId, 99).cap;
    expect(capped).toContain(`${triggerId} ${cap.toFixed(2)}`);
    // a snapshot keeps the cap it was taken with, in its page and its measures
    const snapshot = await gqlData<{
      createReportSnapshot: { html: string; measures: { revenueCap: unknown } };
    }>(
      api.url,
      key,
      `mutation($from: DateTime!, $to: DateTime!) {
         createReportSnapshot(from: $from, to: $to, revenueCap: { percentile: 99 }) { html measures } }`,
      { from: FROM, to: TO },
    );
    expect(snapshot.createReportSnapshot.measures.revenueCap).toEqual({ percentile: 99 });
    expect(snapshot.createReportSnapshot.html).toContain(`${triggerId} ${cap.toFixed(2)}`);
    const bad = await fetch(`${api.url}${REPORT}&revenueCap=lots`, { headers: auth() });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe(
      'revenueCap "lots" is not a revenue cap: write a percentile of the revenues above 0 as 99% (above 0, at most 100), an amount as 500 (above 0), or off',
    );
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
    // the page's own type (HTML) does not stay on its error, which is JSON
    expect(missing.headers.get('content-type')).toBe('application/json; charset=utf-8');
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
    api = await startApi({ CHROMIUM_PATH: '/nonexistent/chromium', REPORT_REVENUE_CAP: '500' });
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
    const html = await fetch(`${api.url}${REPORT}`, { headers });
    expect(html.status).toBe(200);
    // the deployment's cap (REPORT_REVENUE_CAP=500) applies when the address names none
    expect(await html.text()).toContain('counts at most 500 per person');
  });
});
