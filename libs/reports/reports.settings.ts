import { CronExpressionParser } from 'cron-parser';
import type { AppConfig } from '../config/index.js';

/** Monday 06:00 UTC: the weekly snapshot of the week that ended six hours before. */
export const DEFAULT_REPORT_SNAPSHOT_CRON = '0 6 * * 1';
/** Debian's Chromium (apt-get install -y chromium). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** REPORT_SNAPSHOT_CRON=off turns the weekly snapshots off. */
export const SNAPSHOTS_OFF = 'off';

export interface ReportsSettings {
  /** Cron pattern of the weekly snapshot job, in UTC (5 fields, or 6 with seconds first), or off. */
  snapshotCron: string;
  /** Chromium or Chrome executable that prints the PDF report. */
  chromiumPath: string;
}

function setting(config: AppConfig, name: string, fallback: string): string {
  // REPORT_SNAPSHOT_CRON and CHROMIUM_PATH are declared in libs/config's schema; read through the
  // validated environment, with the documented default when a build lacks the declaration
  const env: Record<string, unknown> = config.env;
  const value = env[name];
  return typeof value === 'string' && value.trim() !== '' ? value : fallback;
}

/** The reports' settings, checked: an unparsable cron pattern stops the start with its reason. */
export function reportsSettings(config: AppConfig): ReportsSettings {
  const snapshotCron = setting(config, 'REPORT_SNAPSHOT_CRON', DEFAULT_REPORT_SNAPSHOT_CRON);
  try {
    if (snapshotCron !== SNAPSHOTS_OFF) {
      CronExpressionParser.parse(snapshotCron, { tz: 'UTC' });
    }
  } catch (error) {
    throw new Error(
      `REPORT_SNAPSHOT_CRON "${snapshotCron}" is not a cron pattern: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return {
    snapshotCron,
    chromiumPath: setting(config, 'CHROMIUM_PATH', DEFAULT_CHROMIUM_PATH),
  };
}
