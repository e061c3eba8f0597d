import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/index.js';
import { parseRevenueCap, reportsSettings, revenueCapWords } from './reports.settings.js';

describe('the report revenue cap setting', () => {
  it.each([
    ['99%', { percentile: 99 }],
    [' 99.5 % ', { percentile: 99.5 }],
    ['100%', { percentile: 100 }],
    ['500', { value: 500 }],
    ['12.75', { value: 12.75 }],
    ['off', null],
  ])('reads %j', (text, cap) => {
    expect(parseRevenueCap(text, 'REPORT_REVENUE_CAP')).toEqual(cap);
  });

  it.each(['0%', '101%', '0', '-5', 'p99', '1e3', '99%%', '', 'lots'])(
    'refuses %j, naming the setting and the forms it takes',
    (text) => {
      expect(() => parseRevenueCap(text, 'REPORT_REVENUE_CAP')).toThrow(
        `REPORT_REVENUE_CAP "${text}" is not a revenue cap: write a percentile of the revenues above 0 as 99% (above 0, at most 100), an amount as 500 (above 0), or off`,
      );
    },
  );

  it('is off unless set, and stops the start when unreadable', () => {
    expect(reportsSettings(loadConfig({})).revenueCap).toBeNull();
    expect(reportsSettings(loadConfig({ REPORT_REVENUE_CAP: '95%' })).revenueCap).toEqual({
      percentile: 95,
    });
    expect(() => reportsSettings(loadConfig({ REPORT_REVENUE_CAP: 'lots' }))).toThrow(
      /REPORT_REVENUE_CAP "lots" is not a revenue cap/,
    );
  });

  it.each([
    [{ percentile: 99 }, 'the 99th percentile'],
    [{ percentile: 1 }, 'the 1st percentile'],
    [{ percentile: 92 }, 'the 92nd percentile'],
    [{ percentile: 93 }, 'the 93rd percentile'],
    [{ percentile: 11 }, 'the 11th percentile'],
    [{ percentile: 99.5 }, 'the 99.5th percentile'],
    [{ value: 500 }, '500'],
  ])('words %j as %s', (cap, words) => {
    expect(revenueCapWords(cap)).toBe(words);
  });
});
