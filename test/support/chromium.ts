import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { findBrowser, WHERE_LOOKED } from '../../libs/reports/index.js';

/** The browser the API prints PDFs with: the one CHROMIUM_PATH names, else the one it finds. */
const browser = process.env.CHROMIUM_PATH ?? (await findBrowser());

/** The browser the report tests drive, and give the API they start. */
export const CHROMIUM_PATH = browser ?? '/usr/bin/chromium';

/** Why no Chromium can be driven here, or undefined when it can. */
export function chromiumAvailable(): string | undefined {
  if (browser === undefined) {
    return `no Chromium or Chrome was found (looked at ${WHERE_LOOKED}): apt-get install -y chromium, or set CHROMIUM_PATH`;
  }
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
    return undefined;
  } catch {
    return `chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  }
}

/**
 * A headless Chromium at CHROMIUM_PATH for a test to drive: no sandbox (it needs namespaces a
 * container often does not grant), no GPU, and no background or QUIC traffic of its own, so every
 * request a page shows is one the page made.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking'],
  });
}

/** Pages of a PDF: its page objects (Chromium writes them uncompressed). */
export function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0;
}

/** The titles of a PDF's outline (bookmarks), which Chromium makes from the page's headings. */
export function pdfOutlineTitles(pdf: Buffer): string[] {
  const titles: string[] = [];
  for (const match of pdf
    .toString('latin1')
    .matchAll(/\/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]+>)/g)) {
    const raw = match[1] ?? '';
    if (raw.startsWith('<')) {
      const bytes = Buffer.from(raw.slice(1, -1), 'hex');
      titles.push(
        bytes[0] === 0xfe && bytes[1] === 0xff
          ? Buffer.from(bytes.subarray(2)).swap16().toString('utf16le')
          : bytes.toString('latin1'),
      );
    } else {
      titles.push(raw.slice(1, -1).replace(/\\(.)/g, '$1'));
    }
  }
  return titles;
}
