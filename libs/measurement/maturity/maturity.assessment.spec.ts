import { describe, expect, it } from '@jest/globals';
import { assessMaturity, type MaturityInputs } from './maturity.assessment.js';

const nothing: MaturityInputs = {
  kinds: { firings: 0, behavioral: 0, predictive: 0, identity: 0 },
  latency: [],
  liveTriggerIds: [],
  lifts: [],
  suppression: [],
  consent: { nonCompliantActivations: 0, revokedActivations: 0, sentFirings: 0 },
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

  it('gives a step once when two pieces of evidence fail for the same want', () => {
    // behavioral firings, but none with a signal time and a window: the trigger median and the
    // channel rate both fail for that one reason, and the reader is told it once
    const verdict = assessMaturity({
      ...nothing,
      kinds: { firings: 10, behavioral: 10, predictive: 0, identity: 0 },
    });
    expect(verdict.stage).toBe(2);
    expect(verdict.nextSteps).toEqual([
      'Give every trigger a window (window_ms) and every firing its signal time (signal_at or signal_event_id).',
      'Take ready triggers live, each with a holdout (holdout_pct).',
      'Arm triggers on predictive signals (churn risk, purchase intent) as well as on behavior.',
    ]);
  });

  it('does not credit a stage whose lower stage fails', () => {
    // everything of stage 3 and 4 would pass, but the firings are armed by identity events
    const verdict = assessMaturity({
      ...nothing,
      kinds: { firings: 10, behavioral: 0, predictive: 0, identity: 10 },
    });
    expect(verdict.stage).toBe(1);
  });

  const arm = (persons: number, rate = 0.5) => ({
    persons,
    conversions: Math.round(persons * rate),
    rate,
  });
  const srm = (flagged: boolean) => ({
    flagged,
    expectedHoldoutShare: 0.15,
    observedHoldoutShare: flagged ? 0.3 : 0.15,
    pValue: flagged ? 1e-9 : 0.5,
    sharesInPeriod: [],
  });

  it('counts a live trigger with a broken split, too little data or no control as not covered', () => {
    const verdict = assessMaturity({
      ...nothing,
      liveTriggerIds: ['b', 'a', 'c', 'd'],
      lifts: [
        { triggerId: 'a', treatment: arm(5000), holdout: arm(5000), srm: srm(true) },
        { triggerId: 'b', treatment: arm(5000), holdout: arm(0), srm: srm(false) },
        { triggerId: 'c', treatment: arm(5000), holdout: arm(5000), srm: srm(false) },
        { triggerId: 'd', treatment: arm(5000), holdout: arm(80), srm: srm(false) },
      ],
    });
    const coverage = verdict.evidence.find((e) => e.name === 'holdout_coverage');
    expect(coverage?.value).toBeCloseTo(1 / 4, 12);
    // the lift's own words: 30.0% held out where 15.0% was declared
    expect(coverage?.explanation).toBe(
      '1 of 4 live triggers hold out enough persons to detect a +10.0% relative lift at 80.0% power; short: ' +
        'a (SRM: do not trust: the holdout holds 30.0% of persons where 15.0% was declared (p < 0.0001), so the split is not random), ' +
        'b (no treated or no holdout persons in the period), ' +
        'd (too little data: 80 holdout persons (at least 100 per arm needed)).',
    );
  });

  it('asks for a period after the change of a trigger drawn with several holdout shares', () => {
    const changed = { ...srm(false), pValue: null, sharesInPeriod: [0.1, 0.15] };
    const verdict = assessMaturity({
      ...nothing,
      liveTriggerIds: ['a', 'e'],
      lifts: [
        { triggerId: 'a', treatment: arm(5000), holdout: arm(5000), srm: srm(true) },
        { triggerId: 'e', treatment: arm(5000), holdout: arm(5000), srm: changed },
      ],
    });
    const coverage = verdict.evidence.find((e) => e.name === 'holdout_coverage');
    expect(coverage?.explanation).toContain(
      "e (holdout share changed: the period's firings name versions of its definition declaring 10.0% and 15.0%,",
    );
    expect(verdict.nextSteps.join(' ')).toContain(
      'Fix the split of a (its holdout share is not the one declared); measure e over a period ' +
        'after its change of holdout share (its firings were drawn with several)',
    );
  });

  // behavioral, fast and measured, but with consent and suppression failures
  const fastButUnclean = (consent: MaturityInputs['consent']): MaturityInputs => ({
    ...nothing,
    kinds: { firings: 100, behavioral: 100, predictive: 0, identity: 0 },
    latency: [
      { level: 'trigger', key: 'c', median_window_ratio: 0.2, firings: 100, within_window: 100 },
      {
        level: 'channel',
        key: 'email',
        median_window_ratio: 0.2,
        firings: 100,
        within_window: 100,
      },
    ],
    liveTriggerIds: ['c'],
    lifts: [{ triggerId: 'c', treatment: arm(20000), holdout: arm(20000), srm: srm(false) }],
    consent,
  });

  it('does not call a program slow when every latency check passes', () => {
    const verdict = assessMaturity(
      fastButUnclean({ nonCompliantActivations: 3, revokedActivations: 0, sentFirings: 100 }),
    );
    expect(verdict.stage).toBe(2);
    const latency = verdict.evidence.filter((e) => /within_window/.test(e.name));
    expect(latency.every((e) => e.passed)).toBe(true);
    expect(verdict.label).toBe('behavioral, not yet clean consent');
    expect(verdict.label).not.toContain('fast');
  });

  it('never prints a median just past its window as 1.00× it', () => {
    // 1.004 is 1.00 at two decimals, which is within the window (at most 1); 1.237 keeps two
    const ratio = (key: string, median_window_ratio: number) => ({
      level: 'trigger' as const,
      key,
      median_window_ratio,
      firings: 100,
      within_window: 40,
    });
    const verdict = assessMaturity({
      ...nothing,
      latency: [ratio('a', 1.004), ratio('b', 1.237), ratio('c', 0.996)],
    });
    expect(
      verdict.evidence.find((e) => e.name === 'median_latency_within_window')?.explanation,
    ).toBe(
      '1 of 3 triggers act within their window at the median; too slow: a (median 1.004× its window), b (median 1.24× its window).',
    );
  });

  it('never prints a share just short of or past its threshold as the threshold', () => {
    // 8,996 of 10,000 is 89.96%, 90.0% at one decimal, which would read as meeting "at least
    // 90.0%"; 101 failures in 10,000 sends are 1.01%, 1.0% at one decimal against "at most 1.0%"
    const verdict = assessMaturity({
      ...nothing,
      latency: [
        {
          level: 'channel',
          key: 'email',
          median_window_ratio: 0.5,
          firings: 10000,
          within_window: 8996,
        },
      ],
      suppression: [
        { sentFirings: 10000, convertedThenTargeted: 101, convertedInFlight: 0, capBreaches: 0 },
      ],
    });
    const explanation = (name: string) =>
      verdict.evidence.find((e) => e.name === name)?.explanation;
    expect(explanation('within_window_rate:email')).toBe(
      'email: 89.96% of 10,000 sent firings acted within their window; at least 90.0% needed.',
    );
    expect(explanation('suppression_failure_rate')).toBe(
      '101 suppression failures in 10,000 sends (1.01%): 101 converted-then-targeted, 0 converted in flight, 0 cap breaches; at most 1.0% allowed.',
    );
  });

  it('reads "not yet" on every gap it names: the last two joined by "or"', () => {
    const unmeasured = {
      ...fastButUnclean({ nonCompliantActivations: 3, revokedActivations: 0, sentFirings: 100 }),
      lifts: [{ triggerId: 'c', treatment: arm(20000), holdout: arm(0), srm: srm(false) }],
    };
    expect(assessMaturity(unmeasured).label).toBe('behavioral, not yet measured or clean consent');
  });

  it('says what the consent evidence shows: revoked, or no record at all', () => {
    const none = assessMaturity(
      fastButUnclean({ nonCompliantActivations: 3, revokedActivations: 0, sentFirings: 100 }),
    );
    expect(none.nextSteps[0]).toBe(
      'Check consent at decision time: 3 went to people with no consent record for the purpose (record consent before sending, or do not send without it).',
    );
    expect(none.nextSteps.join(' ')).not.toContain('refused');
    const mixed = assessMaturity(
      fastButUnclean({ nonCompliantActivations: 5, revokedActivations: 2, sentFirings: 100 }),
    );
    expect(mixed.nextSteps[0]).toBe(
      'Check consent at decision time: 2 went to people who had revoked consent (sync revocations faster); 3 went to people with no consent record for the purpose (record consent before sending, or do not send without it).',
    );
    expect(mixed.evidence.find((e) => e.name === 'consent_violations')?.explanation).toBe(
      '5 of 100 sends to purposes that need consent went to persons who had not granted it (2 under a revocation, 3 with no consent record; at most 0 allowed).',
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
          treatment: { persons: 900, conversions: 90 },
          holdout: { persons: 100, conversions: 10, rate: 0.1 },
          srm: {
            flagged: false,
            pValue: 1,
            expectedHoldoutShare: 0.1,
            observedHoldoutShare: 0.1,
            sharesInPeriod: [],
          },
        },
      ],
    });
    const coverage = verdict.evidence.find((e) => e.name === 'holdout_coverage');
    expect(coverage?.explanation).toContain(
      '(785 days at this split; not even a 50% holdout would within 28 days)',
    );
  });
});
