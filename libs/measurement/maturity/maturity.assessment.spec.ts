import { describe, expect, it } from '@jest/globals';
import { assessMaturity, type MaturityInputs } from './maturity.assessment.js';

const nothing: MaturityInputs = {
  kinds: { firings: 0, behavioral: 0, predictive: 0, identity: 0 },
  latency: [],
  liveTriggerIds: [],
  lifts: [],
  suppression: [],
  consent: { nonCompliantActivations: 0, sentFirings: 0 },
  freshness: [],
};

describe('assessMaturity', () => {
  it('places a program without data at stage 1 and says what to send', () => {
    const verdict = assessMaturity(nothing);
    expect(verdict.stage).toBe(1);
    expect(verdict.evidence.map((e) => [e.name, e.value, e.passed])).toEqual([
      ['behavioral_firing_share', 0, false],
      ['median_latency_within_window', 0, false],
      ['within_window_rate', 0, false],
      ['holdout_coverage', 0, false],
      ['suppression_failure_rate', 0, true],
      ['consent_violations', 0, true],
      ['predictive_firing_share', 0, false],
      ['stale_predictive_inputs', 0, true],
    ]);
    expect(verdict.nextSteps[0]).toBe('Send firings (and the signals that arm them) to Causeway.');
  });

  it('does not credit a stage whose lower stage fails', () => {
    // everything of stage 3 and 4 would pass, but the firings are armed by identity events
    const verdict = assessMaturity({
      ...nothing,
      kinds: { firings: 10, behavioral: 0, predictive: 0, identity: 10 },
    });
    expect(verdict.stage).toBe(1);
  });

  it('counts a live trigger with a broken split or no control as not covered', () => {
    const arm = (persons: number, rate = 0.5) => ({ persons, rate });
    const verdict = assessMaturity({
      ...nothing,
      liveTriggerIds: ['b', 'a', 'c'],
      lifts: [
        { triggerId: 'a', treatment: arm(5000), holdout: arm(5000), srm: { flagged: true } },
        { triggerId: 'b', treatment: arm(5000), holdout: arm(0), srm: { flagged: false } },
        { triggerId: 'c', treatment: arm(5000), holdout: arm(5000), srm: { flagged: false } },
      ],
    });
    const coverage = verdict.evidence.find((e) => e.name === 'holdout_coverage');
    expect(coverage?.value).toBeCloseTo(1 / 3, 12);
    expect(coverage?.explanation).toBe(
      '1 of 3 live triggers hold out enough persons to detect a +10.0% relative lift at 80.0% power; short: a (the split fails the sample-ratio check), b (no treated or no holdout persons in the period).',
    );
  });

  it('says what a short holdout would need: days at its split, or the share for 28 days', () => {
    // p = 0.1, 900 treated + 100 held out over 10 days: 100 persons/day, h = 0.1;
    // z = 1.959963984540054 + 0.8416212335729143 = 2.801585218112968, z² = 7.848879734
    // daysToDetect = z²·0.09·(1/0.1 + 1/0.9) / ((0.1·0.1)²·100) = 7.848879734·0.09·11.1111/0.01
    //   = 784.89 → 785 days; K = 0.0001·28·100/(7.848879734·0.09) = 0.3964 < 4: no share helps
    const verdict = assessMaturity({
      ...nothing,
      liveTriggerIds: ['s'],
      days: 10,
      lifts: [
        {
          triggerId: 's',
          treatment: { persons: 900, rate: 0.1 },
          holdout: { persons: 100, rate: 0.1 },
          srm: { flagged: false },
        },
      ],
    });
    const coverage = verdict.evidence.find((e) => e.name === 'holdout_coverage');
    expect(coverage?.explanation).toContain(
      '(785 days at this split; not even a 50% holdout would within 28 days)',
    );
  });
});
