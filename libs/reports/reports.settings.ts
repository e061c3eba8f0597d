import type { AppConfig } from '../config/index.js';
import type { RevenueCapRequest } from '../measurement/index.js';
import { cronPatternProblem } from '../queue/index.js';

/** Monday 06:00 UTC: the weekly snapshot of the week that ended six hours before. */
export const DEFAULT_REPORT_SNAPSHOT_CRON = '0 6 * * 1';
/** Debian's Chromium (apt-get install -y chromium): looked at first when CHROMIUM_PATH is unset. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** REPORT_SNAPSHOT_CRON=off turns the weekly snapshots off. */
export const SNAPSHOTS_OFF = 'off';

export interface ReportsSettings {
  /** Cron pattern of the weekly snapshot job, in UTC (5 fields, or 6 with seconds first), or off. */
  snapshotCron: string;
  /**
   * Chromium or Chrome executable that prints the PDF report, as CHROMIUM_PATH names it; undefined
   * when unset (the renderer then looks for one, see findBrowser).
   */
  chromiumPath: string | undefined;
  /**
   * The revenue cap of the report's figures when a request names none (REPORT_REVENUE_CAP):
   * report pages, PDFs, share links, digests and snapshots; null for none.
   */
  revenueCap: RevenueCapRequest | null;
}

/** REPORT_REVENUE_CAP=off (like unset) reports revenue uncapped. */
export const REVENUE_CAP_OFF = 'off';

const CAP_FORMS =
  'a percentile of the revenues above 0 as 99% (above 0, at most 100), an amount as 500 (above 0), or off';

/**
 * Reads a revenue cap as a person writes it (REPORT_REVENUE_CAP, the report's `?revenueCap=`):
 * `99%` or `99.5%` caps at that percentile of each trigger's revenues above 0 (type 7), `500` at
 * that amount, `off` caps nothing (null). Throws naming `name` and the forms it takes.
 */
export function parseRevenueCap(text: string, name: string): RevenueCapRequest | null {
  const trimmed = text.trim();
  if (trimmed === REVENUE_CAP_OFF) {
    return null;
  }
  const percent = trimmed.endsWith('%');
  const body = percent ? trimmed.slice(0, -1).trim() : trimmed;
  const number = /^\d+(\.\d+)?$/.test(body) ? Number(body) : Number.NaN;
  if (!(number > 0) || (percent && number > 100)) {
    throw new Error(`${name} "${text}" is not a revenue cap: write ${CAP_FORMS}`);
  }
  return percent ? { percentile: number } : { value: number };
}

/** The cap as a person writes it, and parseRevenueCap reads it back: 99%, 500, off. */
export function revenueCapText(cap: RevenueCapRequest | null): string {
  if (cap === null) {
    return REVENUE_CAP_OFF;
  }
  return cap.percentile === undefined || cap.percentile === null
    ? String(cap.value)
    : `${cap.percentile}%`;
}

/** The cap in words, as the report prints it: "the 99th percentile", "500". */
export function revenueCapWords(cap: RevenueCapRequest): string {
  if (cap.percentile === undefined || cap.percentile === null) {
    return String(cap.value);
  }
  const p = cap.percentile;
  const n = Number.isInteger(p) ? p : Number(p.toFixed(2));
  const mod100 = n % 100;
  const suffix =
    !Number.isInteger(n) || (mod100 >= 11 && mod100 <= 13)
      ? 'th'
      : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `the ${n}${suffix} percentile`;
}

function optionalSetting(config: AppConfig, name: string): string | undefined {
  // REPORT_SNAPSHOT_CRON, CHROMIUM_PATH and REPORT_REVENUE_CAP are declared in libs/config's
  // schema; read through the validated environment
  const env: Record<string, unknown> = config.env;
  const value = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function setting(config: AppConfig, name: string, fallback: string): string {
  // with the documented default when a build lacks the declaration
  return optionalSetting(config, name) ?? fallback;
}

/**
 * The reports' settings, checked: an unparsable cron pattern or revenue cap stops the start with
 * its reason.
 */
export function reportsSettings(config: AppConfig): ReportsSettings {
  const snapshotCron = setting(config, 'REPORT_SNAPSHOT_CRON', DEFAULT_REPORT_SNAPSHOT_CRON);
  const problem = snapshotCron === SNAPSHOTS_OFF ? undefined : cronPatternProblem(snapshotCron);
  if (problem !== undefined) {
    throw new Error(`REPORT_SNAPSHOT_CRON "${snapshotCron}" is not a cron pattern: ${problem}`);
  }
  return {
    snapshotCron,
    chromiumPath: optionalSetting(config, 'CHROMIUM_PATH'),
    revenueCap: parseRevenueCap(
      setting(config, 'REPORT_REVENUE_CAP', REVENUE_CAP_OFF),
      'REPORT_REVENUE_CAP',
    ),
  };
}
