import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBrowser } from './find-browser.js';
import { browserMissingMessage } from './pdf-renderer.js';

describe('the browser that prints the PDF when CHROMIUM_PATH names none', () => {
  const directory = mkdtempSync(join(tmpdir(), 'causeway-browser-'));
  const file = (name: string, mode: number) => {
    const path = join(directory, name);
    writeFileSync(path, '#!/bin/sh\n', { mode });
    return path;
  };
  const chromium = file('chromium', 0o755);
  const chrome = file('google-chrome', 0o755);
  const notRunnable = file('chrome-readme', 0o644);
  const absent = join(directory, 'absent');
  const chromePath = process.env.CHROME_PATH;

  afterEach(() => {
    if (chromePath === undefined) {
      delete process.env.CHROME_PATH;
    } else {
      process.env.CHROME_PATH = chromePath;
    }
  });

  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("is Debian's Chromium when it is there, without asking the finder", async () => {
    const finder = () => {
      throw new Error('not asked');
    };
    expect(await findBrowser(chromium, finder)).toBe(chromium);
  });

  it('is the first installation the finder gives that can run', async () => {
    expect(await findBrowser(absent, () => [absent, notRunnable, chrome, chromium])).toBe(chrome);
  });

  it("is what Chrome's launcher finds, which honours CHROME_PATH", async () => {
    // chrome-launcher itself, not a stand-in: it reads CHROME_PATH before the usual locations
    process.env.CHROME_PATH = chrome;
    expect(await findBrowser(absent)).toBe(chrome);
  });

  it('is none when the finder finds nothing, or throws as it does then', async () => {
    expect(await findBrowser(absent, () => [])).toBeUndefined();
    expect(await findBrowser(absent, () => [notRunnable])).toBeUndefined();
    expect(
      await findBrowser(absent, () => {
        throw new Error(
          'The CHROME_PATH environment variable must be set to a Chrome/Chromium executable',
        );
      }),
    ).toBeUndefined();
  });

  it('says where it looked, or which CHROMIUM_PATH does not run, and what to do', () => {
    expect(browserMissingMessage()).toBe(
      'The PDF report needs Chromium or Chrome, and none was found (looked at /usr/bin/chromium, CHROME_PATH and the usual install locations of Chrome and Chromium). Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable. The HTML report at /reports/lift works without it.',
    );
    expect(browserMissingMessage('/opt/chromium')).toBe(
      'The PDF report needs Chromium, and there is no executable at /opt/chromium (CHROMIUM_PATH). Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable. The HTML report at /reports/lift works without it.',
    );
  });
});
