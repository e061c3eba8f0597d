// GraphiQL at GET /graphql in a real headless Chromium: every file the page loads comes from the
// API itself (React and GraphiQL from the project's own dependencies), the page runs under
// `Content-Security-Policy: default-src 'self'` without a violation, the editor renders with an
// Authorization header ready to fill in, and a query run from it with a key gets its answer.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './support/chromium.js';
import { mintKey } from './support/client.js';
import { requirePart, startApi, type ApiProcess } from './support/processes.js';

const runs = requirePart(chromiumAvailable());

interface CodeMirrorElement {
  CodeMirror: { getValue(): string; setValue(text: string): void };
}

(runs ? describe : describe.skip)('GraphiQL in a real browser', () => {
  let api: ApiProcess;
  let browser: Browser;

  beforeAll(async () => {
    api = await startApi();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.dispose();
  });

  it('loads only from the API, under a strict CSP, and runs a query with the header filled in', async () => {
    const key = await mintKey(api.url, api.adminKey, 'acme', ['READ']);
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const origin = new URL(api.url).origin;
    const elsewhere: string[] = [];
    const problems: string[] = [];
    // Nothing may leave the API's origin: such a request is recorded and never sent.
    await context.route('**/*', async (route) => {
      if (new URL(route.request().url()).origin === origin) {
        await route.continue();
      } else {
        elsewhere.push(route.request().url());
        await route.abort();
      }
    });
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(`console: ${message.text().slice(0, 300)}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    const response = await page.goto(`${api.url}/graphql`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'self'/);
    await page.locator('.graphiql-container .graphiql-query-editor .CodeMirror').waitFor();
    expect(await page.locator('script:not([src])').count()).toBe(0);

    // the headers editor is open, holding the Authorization header to complete
    const headersEditor = page.locator('.graphiql-editor-tool .CodeMirror').last();
    await headersEditor.waitFor();
    const headers = await headersEditor.evaluate((e) =>
      (e as unknown as CodeMirrorElement).CodeMirror.getValue(),
    );
    expect(JSON.parse(headers)).toEqual({ Authorization: 'Bearer ' });

    await headersEditor.evaluate(
      (e, value) => (e as unknown as CodeMirrorElement).CodeMirror.setValue(value),
      JSON.stringify({ Authorization: `Bearer ${key}` }),
    );
    await page
      .locator('.graphiql-query-editor .CodeMirror')
      .evaluate((e) =>
        (e as unknown as CodeMirrorElement).CodeMirror.setValue('{ triggers { triggerId } }'),
      );
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response .CodeMirror');
    const answer = async () =>
      result.evaluate((e) => (e as unknown as CodeMirrorElement).CodeMirror.getValue());
    for (let waited = 0; !(await answer()).includes('triggers') && waited < 10_000; waited += 100) {
      await page.waitForTimeout(100);
    }
    expect(JSON.parse(await answer())).toEqual({ data: { triggers: [] } });

    expect(elsewhere).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
