import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { DEFAULT_CHROMIUM_PATH } from '../reports.settings.js';

/** Where a browser was looked for when none was named: for the message that none was found. */
export const WHERE_LOOKED = `${DEFAULT_CHROMIUM_PATH}, CHROME_PATH and the usual install locations of Chrome and Chromium`;

/** Whether `path` is a file this process may run. */
export async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The browser that prints the PDF when CHROMIUM_PATH names none: Debian's Chromium when it is
 * there, else the first installation chrome-launcher finds (Google's finder of Chrome and Chromium
 * on Linux, macOS and Windows: CHROME_PATH, desktop entries, the usual paths), so that Chrome on a
 * laptop prints without a setting. Undefined when there is none. chrome-launcher is loaded only
 * when Debian's Chromium is not there (it takes 0.1–0.2 s to load, which every start would pay).
 */
export async function findBrowser(
  preferred: string = DEFAULT_CHROMIUM_PATH,
  installations: () => string[] | Promise<string[]> = async () =>
    (await import('chrome-launcher')).Launcher.getInstallations(),
): Promise<string | undefined> {
  if (await executable(preferred)) {
    return preferred;
  }
  let found: string[];
  try {
    found = await installations();
  } catch {
    // the finder throws when it finds nothing (and on a platform it does not know)
    return undefined;
  }
  for (const path of found) {
    if (await executable(path)) {
      return path;
    }
  }
  return undefined;
}
