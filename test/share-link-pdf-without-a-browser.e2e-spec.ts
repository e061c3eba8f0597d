// A share link's PDF on a server that has no Chromium to print it: the person who clicked gets a
// short page that leads to the report itself (which opens), not the JSON error of the API naming
// the server's paths. The API runs in this process on a real embedded store.

import { describe, expect, it } from '@jest/globals';
import { gqlData, mintKey } from './support/client.js';
import { inProcessApiForSuite } from './support/in-process-api.js';
import { ADMIN_KEY } from './support/processes.js';

const MISSING_CHROMIUM = '/nonexistent/chromium';

describe("a share link's PDF without a browser", () => {
  const api = inProcessApiForSuite('share-no-browser', ADMIN_KEY, (port) => ({
    CHROMIUM_PATH: MISSING_CHROMIUM,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ALERT_EVALUATE_EVERY_MS: '0',
  }));

  it('answers 503 with a page that links to the report, which opens', async () => {
    const key = await mintKey(api.url, ADMIN_KEY, 'no-browser', ['READ']);
    const { createShareLink: link } = await gqlData<{ createShareLink: { url: string } }>(
      api.url,
      key,
      'mutation { createShareLink(resource: LIFT_REPORT, from: "2026-11-02", to: "2026-11-09") { url } }',
    );
    const pdf = await fetch(`${link.url}.pdf`);
    expect(pdf.status).toBe(503);
    expect(pdf.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    expect(pdf.headers.get('referrer-policy')).toBe('no-referrer');
    expect(pdf.headers.get('x-robots-tag')).toBe('noindex');
    const page = await pdf.text();
    expect(page).toContain('The PDF of this report cannot be made just now');
    expect(page).not.toContain(MISSING_CHROMIUM);
    // its link, read as a browser reads it against the PDF's address, is the report's
    const href = /<a href="([^"]+)">/.exec(page)?.[1];
    expect(new URL(href!, `${link.url}.pdf`).toString()).toBe(link.url);
    const report = await fetch(link.url);
    expect(report.status).toBe(200);
    expect(await report.text()).toContain('<html');
  });
});
