import { Injectable } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../config/index.js';
import { ReportsErrorCode, ReportsException } from '../reports.exception.js';
import { reportsSettings } from '../reports.settings.js';
import { messageOf } from '../../errors/index.js';
import { executable, findBrowser, WHERE_LOOKED } from './find-browser.js';

/**
 * How Chromium is started: headless, no sandbox (it runs as the service's own user, often root in
 * a container), and nothing that phones home or updates itself while it prints.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;

const INSTALL_IT =
  'Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium ' +
  'or Chrome executable. The HTML report at /reports/lift works without it.';

/**
 * The answer when there is no browser: what is missing and how to get it. `path` is the one
 * CHROMIUM_PATH names; without it, none was found where Causeway looks.
 */
export function browserMissingMessage(path?: string): string {
  return path === undefined
    ? `The PDF report needs Chromium or Chrome, and none was found (looked at ${WHERE_LOOKED}). ${INSTALL_IT}`
    : `The PDF report needs Chromium, and there is no executable at ${path} (CHROMIUM_PATH). ${INSTALL_IT}`;
}

/** Renders at most this many PDFs at once: each Chromium takes a few hundred MB. */
const MAX_CONCURRENT = 2;
const PRINT_TIMEOUT_MS = 60_000;

/** Header and footer Chromium prints on every page (its own tiny template language). */
function footerTemplate(title: string): string {
  const safe = title.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return (
    '<div style="font-size:8px;width:100%;padding:0 12mm;color:#555;display:flex;justify-content:space-between">' +
    `<span>${safe}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`
  );
}

/**
 * Prints HTML to PDF with a headless Chromium driven by playwright-core (which downloads no
 * browser of its own): a fresh browser with an empty profile per document, network blocked, so a
 * report cannot load anything and one print cannot leak into the next.
 */
@Injectable()
export class PdfRenderer {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly config: AppConfig) {}

  /** The browser found when CHROMIUM_PATH names none; looked for again until one is found. */
  private found?: string;

  /** The browser that prints: the one CHROMIUM_PATH names, else one found here (findBrowser). */
  private async browser(): Promise<{ path: string } | { missing: string }> {
    const named = reportsSettings(this.config).chromiumPath;
    if (named !== undefined) {
      return (await executable(named))
        ? { path: named }
        : { missing: browserMissingMessage(named) };
    }
    this.found ??= await findBrowser();
    return this.found === undefined ? { missing: browserMissingMessage() } : { path: this.found };
  }

  /** Why the PDF cannot be printed here, or undefined when a browser is installed. */
  async unavailableReason(): Promise<string | undefined> {
    const browser = await this.browser();
    return 'missing' in browser ? browser.missing : undefined;
  }

  /** The document as PDF; `title` goes in every page's footer next to the page number. */
  async render(html: string, title: string): Promise<Buffer> {
    const browser = await this.browser();
    if ('missing' in browser) {
      throw new ReportsException(ReportsErrorCode.BrowserUnavailable, browser.missing);
    }
    const executablePath = browser.path;
    await this.acquire();
    const profile = await mkdtemp(join(tmpdir(), 'causeway-chromium-'));
    try {
      // loaded on the first print, not with the service: it takes 0.3–0.8 s to load
      const { chromium } = await import('playwright-core');
      const context = await chromium
        .launchPersistentContext(profile, {
          executablePath,
          headless: true,
          args: [...CHROMIUM_ARGS],
          offline: true,
          timeout: PRINT_TIMEOUT_MS,
        })
        .catch((error: unknown) => {
          throw new ReportsException(
            ReportsErrorCode.BrowserFailed,
            `Chromium at ${executablePath} did not start: ${firstLine(error)}`,
          );
        });
      try {
        // the report is self-contained: any request it would make is refused
        await context.route('**/*', (route) => route.abort());
        const page = await context.newPage();
        page.setDefaultTimeout(PRINT_TIMEOUT_MS);
        await page.setContent(html, { waitUntil: 'load' });
        await page.emulateMedia({ media: 'print', colorScheme: 'light' });
        return await page.pdf({
          format: 'A4',
          printBackground: true,
          preferCSSPageSize: true,
          outline: true,
          tagged: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: footerTemplate(title),
        });
      } catch (error) {
        throw new ReportsException(
          ReportsErrorCode.BrowserFailed,
          `Chromium did not print the report: ${firstLine(error)}`,
        );
      } finally {
        await context.close();
      }
    } finally {
      this.release();
      await rm(profile, { recursive: true, force: true });
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < MAX_CONCURRENT) {
      this.running += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) {
      // the slot passes to the next waiter
      next();
      return;
    }
    this.running -= 1;
  }
}

function firstLine(error: unknown): string {
  const message = messageOf(error);
  return message.split('\n')[0] ?? message;
}
