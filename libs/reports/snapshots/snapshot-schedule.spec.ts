import { describe, expect, it } from '@jest/globals';
import { AppConfig, loadConfig } from '../../config/index.js';
import { DEFAULT_REPORT_SNAPSHOT_CRON, reportsSettings } from '../reports.settings.js';
import { nextRun, previousRun } from '../../queue/index.js';

describe('the weekly snapshot schedule', () => {
  it('runs by default on Monday at 06:00 UTC', () => {
    expect(
      nextRun(DEFAULT_REPORT_SNAPSHOT_CRON, new Date('2026-11-28T14:20:00Z')).toISOString(),
    ).toBe('2026-11-30T06:00:00.000Z');
    expect(
      nextRun(DEFAULT_REPORT_SNAPSHOT_CRON, new Date('2026-11-30T06:00:00Z')).toISOString(),
    ).toBe('2026-12-07T06:00:00.000Z');
    expect(
      previousRun(DEFAULT_REPORT_SNAPSHOT_CRON, new Date('2026-11-28T14:20:00Z')).toISOString(),
    ).toBe('2026-11-23T06:00:00.000Z');
  });

  it('takes six-field patterns with seconds', () => {
    expect(nextRun('*/5 * * * * *', new Date('2026-11-28T14:20:01Z')).toISOString()).toBe(
      '2026-11-28T14:20:05.000Z',
    );
  });

  it('defaults its settings and refuses a pattern that is not cron, with the reason', () => {
    const settings = reportsSettings(loadConfig({}));
    expect(settings.snapshotCron).toBe('0 6 * * 1');
    expect(settings.chromiumPath).toBeUndefined();
    const env = { ...loadConfig({}).env, REPORT_SNAPSHOT_CRON: 'every monday' };
    expect(() => reportsSettings(new AppConfig(env))).toThrow(
      /REPORT_SNAPSHOT_CRON "every monday" is not a cron pattern/,
    );
    const off = { ...loadConfig({}).env, REPORT_SNAPSHOT_CRON: 'off' };
    expect(reportsSettings(new AppConfig(off)).snapshotCron).toBe('off');
  });

  it('refuses a pattern of fewer than 5 fields, which the cron library would fill from the left', () => {
    // read as '0 * 0 6 * *': every minute of 00:00-00:59 on the 6th of each month
    const env = { ...loadConfig({}).env, REPORT_SNAPSHOT_CRON: '0 6 * *' };
    expect(() => reportsSettings(new AppConfig(env))).toThrow(
      'REPORT_SNAPSHOT_CRON "0 6 * *" is not a cron pattern: 4 fields; write 5 fields',
    );
    const seconds = { ...loadConfig({}).env, REPORT_SNAPSHOT_CRON: '0 0 6 * * 1' };
    expect(reportsSettings(new AppConfig(seconds)).snapshotCron).toBe('0 0 6 * * 1');
  });
});
