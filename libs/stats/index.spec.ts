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
      'criticalValueAtAlpha',
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
      'significanceLevel',
      'requiredSamplePerArm',
      'proportionTestPower',
      'minimumDetectableRelativeLift',
      'bayesianEffect',
      'relativePriorOnAbsoluteScale',
      'empiricalPrior',
      'empiricalBayes',
      'cochranQ',
      'quantile',
      'revenueCapValue',
      'capRevenues',
      'holdoutPlan',
      'triggerInteraction',
      'roundApart',
      'roundApartDigits',
      'StatsException',
    ]) {
      expect(typeof (stats as Record<string, unknown>)[name]).toBe('function');
    }
    expect(stats.StatsErrorCode.InvalidArgument).toBe('STATS_INVALID_ARGUMENT');
    expect(stats.EMPIRICAL_PRIOR_MIN_EFFECTS).toBe(3);
    expect(stats.HOLDOUT_PLAN_HORIZON_DAYS).toBe(28);
    expect(stats.SRM_P_THRESHOLD).toBe(0.001);
    expect(stats.HETEROGENEITY_P_THRESHOLD).toBe(0.05);
    expect(stats.ASSIGNMENT_INDEPENDENCE_P_THRESHOLD).toBe(0.001);
  });
});
