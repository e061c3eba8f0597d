import { describe, expect, it } from '@jest/globals';
import * as stats from './index.js';

describe('libs/stats public entry', () => {
  it('exports the whole API', () => {
    for (const name of [
      'normalCdf',
      'normalSf',
      'normalQuantile',
      'twoSidedPValue',
      'twoSidedCriticalValue',
      'chiSquareSf',
      'lnGamma',
      'regularizedGammaP',
      'regularizedGammaQ',
      'compareProportions',
      'compareMeans',
      'compareMoments',
      'armMoments',
      'sampleRatioMismatch',
      'cupedAdjust',
      'cupedCompare',
      'sequentialInterval',
      'sequentialLift',
      'sequentialProportions',
      'sequentialMeans',
      'confidenceSequenceRhoSquared',
      'confidenceSequenceMargin',
      'benjaminiHochberg',
      'requiredSamplePerArm',
      'proportionTestPower',
      'minimumDetectableRelativeLift',
      'StatsException',
    ]) {
      expect(typeof (stats as Record<string, unknown>)[name]).toBe('function');
    }
    expect(stats.StatsErrorCode.InvalidArgument).toBe('STATS_INVALID_ARGUMENT');
  });
});
