import { describe, expect, it } from '@jest/globals';
import { holdoutPlan } from './holdout-plan.js';

// p = 5 %, 28,000 persons over 14 days (2,000 a day), 10 % held out; α = 0.05, power 0.8:
// z = z_0.975 + z_0.8 = 1.959963984540054 + 0.8416212335729142 = 2.8015852181129684.
const base = { baselineRate: 0.05, persons: 28_000, days: 14, holdoutShare: 0.1 };

describe('holdoutPlan', () => {
  it('says what the current split can see', () => {
    // currentMde = z·√(0.05·0.95·(1/2800 + 1/25200))/0.05 = z·√(0.0475·0.000396825…)/0.05
    //            = 2.80158…·0.0043415…/0.05 = 0.24326541367226858 (mpmath)
    const plan = holdoutPlan({ ...base, relativeMde: 0.2 });
    expect(plan.personsPerDay).toBe(2000);
    expect(plan.currentMde!).toBeCloseTo(0.2432654136722686, 13);
  });

  it('gives the days to detect a lift and the share that detects it in 28 days', () => {
    // m = 0.2: p·m = 0.01; daysToDetect = z²·0.0475·(1/0.1 + 1/0.9)/(0.01²·2000)
    //   = 7.84888…·0.0475·11.111…/0.2 = 20.712321521198985
    // K = 0.01²·28·2000/(z²·0.0475) = 5.6/0.372822… = 15.020581386431745
    // h = (1 − √(1 − 4/K))/2 = 0.07171892310689520
    const plan = holdoutPlan({ ...base, relativeMde: 0.2 });
    expect(plan.daysToDetect!).toBeCloseTo(20.712321521198984, 11);
    expect(plan.requiredHoldoutShareIn28Days!).toBeCloseTo(0.07171892310689519, 14);
  });

  it('returns the share at which detecting takes exactly 28 days', () => {
    for (const relativeMde of [0.2, 0.5, -0.3]) {
      const share = holdoutPlan({ ...base, relativeMde }).requiredHoldoutShareIn28Days!;
      expect(share).toBeLessThanOrEqual(0.5);
      const atShare = holdoutPlan({ ...base, holdoutShare: share, relativeMde });
      expect(atShare.daysToDetect!).toBeCloseTo(28, 9);
    }
  });

  it('has no 28-day share when even a balanced split needs longer (K < 4)', () => {
    // m = 0.1: K = 15.0205…/4 = 3.7551453466079362 < 4; daysToDetect = 4·20.7123… = 82.8492860847959
    const plan = holdoutPlan({ ...base, relativeMde: 0.1 });
    expect(plan.requiredHoldoutShareIn28Days).toBeNull();
    expect(plan.daysToDetect!).toBeCloseTo(82.84928608479593, 10);
    // and a balanced split indeed needs more than 28 days
    expect(
      holdoutPlan({ ...base, holdoutShare: 0.5, relativeMde: 0.1 }).daysToDetect!,
    ).toBeGreaterThan(28);
  });

  it('follows power and alpha', () => {
    // α = 0.01, power 0.9: z = 2.5758293035489004 + 1.2815515655446004 = 3.857380869093501;
    // daysToDetect scales by (z / 2.8015852181129684)² = 1.89573…: 20.71232…·1.895731… = 39.26497…
    const plan = holdoutPlan({ ...base, relativeMde: 0.2, alpha: 0.01, power: 0.9 });
    const ratio = (3.857380869093501 / 2.8015852181129683) ** 2;
    expect(plan.daysToDetect!).toBeCloseTo(20.712321521198984 * ratio, 10);
  });

  it('answers null where the data cannot plan', () => {
    const noHoldout = holdoutPlan({ ...base, holdoutShare: 0, relativeMde: 0.2 });
    expect(noHoldout.currentMde).toBeNull();
    expect(noHoldout.daysToDetect).toBeNull();
    expect(noHoldout.requiredHoldoutShareIn28Days!).toBeCloseTo(0.0717189231068952, 14);
    const noConversions = holdoutPlan({ ...base, baselineRate: 0, relativeMde: 0.2 });
    expect(noConversions).toEqual({
      personsPerDay: 2000,
      currentMde: null,
      daysToDetect: null,
      requiredHoldoutShareIn28Days: null,
    });
    const nobody = holdoutPlan({ ...base, persons: 0, relativeMde: 0.2 });
    expect(nobody.currentMde).toBeNull();
    expect(nobody.daysToDetect).toBeNull();
    expect(nobody.requiredHoldoutShareIn28Days).toBeNull();
  });

  it('plans at an alpha below the rounding of 1 − alpha', () => {
    // α = 1e-20: z_{1−α/2} = −Φ⁻¹(5e-21) = 9.3360448492340600, z_0.8 = 0.84162123357291421,
    // z = 10.177666082806974; currentMde = z·√(0.0475·(1/2800 + 1/25200))/0.05 = 0.88374043875056637
    // (mpmath). 1 − α is exactly 1 in doubles: a level read from it would be refused.
    const plan = holdoutPlan({ ...base, relativeMde: 0.2, alpha: 1e-20 });
    expect(plan.currentMde!).toBeCloseTo(0.8837404387505664, 12);
  });

  it('never answers Infinity, nor 0 days or a 0 share, for a lift beyond what doubles can plan', () => {
    // m = 1e-300: (p·m)² = (5e-302)² underflows to 0, and the days to detect it would divide by 0
    // (GraphQL cannot carry Infinity: the whole answer would fail); m = 1e300: (p·m)² overflows,
    // which would read 0 days and a 0 share (holding out no one detects nothing).
    // m = 1e-160: (p·m)² = 2.5e-321 is subnormal, not 0, and the days overflow to Infinity
    for (const relativeMde of [1e-300, -1e-300, 1e300, 1e-160, -1e-160]) {
      const plan = holdoutPlan({ ...base, relativeMde });
      expect(plan.daysToDetect).toBeNull();
      expect(plan.requiredHoldoutShareIn28Days).toBeNull();
      expect(plan.currentMde!).toBeCloseTo(0.2432654136722686, 13);
    }
    // a large K from many persons: p = 0.5, m = 1 (to a rate of 1), 2^53 − 1 persons in a day:
    // K = 0.5²·28·(2^53 − 1)/(z²·0.25) = 3.2132175249040554e16, so 1 − 4/K rounds to 1 − 2^-52 and
    // (1 − √(1 − 4/K))/2 to 5.55e-17; the same root as (2/K)/(1 + √(1 − 4/K)) keeps its digits:
    // h = 3.1121453566386216e-17 (mpmath)
    const share = holdoutPlan({
      baselineRate: 0.5,
      persons: Number.MAX_SAFE_INTEGER,
      days: 1,
      holdoutShare: 0.5,
      relativeMde: 1,
    }).requiredHoldoutShareIn28Days!;
    expect(share / 3.112145356638622e-17).toBeCloseTo(1, 12);
  });

  it('plans no lift that would take the treated rate outside [0, 1]', () => {
    // p = 0.05: +2000 % would be a rate of 1.05 and −150 % one of −0.025; neither can be detected,
    // so no days and no share are given (the current MDE does not depend on m and stays)
    for (const relativeMde of [20, -1.5]) {
      const plan = holdoutPlan({ ...base, relativeMde });
      expect(plan.daysToDetect).toBeNull();
      expect(plan.requiredHoldoutShareIn28Days).toBeNull();
      expect(plan.currentMde!).toBeCloseTo(0.2432654136722686, 13);
    }
    // +1900 % reaches a rate of exactly 1: z²·0.0475·(1/0.1 + 1/0.9)/(0.95²·2000) days =
    // 0.0022949940743710782 (mpmath)
    expect(holdoutPlan({ ...base, relativeMde: 19 }).daysToDetect!).toBeCloseTo(
      0.002294994074371078,
      15,
    );
  });

  it('rejects malformed input, naming the field', () => {
    expect(() => holdoutPlan({ ...base, relativeMde: 0 })).toThrow(/relativeMde/);
    expect(() => holdoutPlan({ ...base, baselineRate: 1.2, relativeMde: 0.1 })).toThrow(
      /baselineRate/,
    );
    expect(() => holdoutPlan({ ...base, holdoutShare: -0.1, relativeMde: 0.1 })).toThrow(
      /holdoutShare/,
    );
    expect(() => holdoutPlan({ ...base, days: 0, relativeMde: 0.1 })).toThrow(/days/);
    expect(() => holdoutPlan({ ...base, persons: 2.5, relativeMde: 0.1 })).toThrow(/persons/);
    expect(() => holdoutPlan({ ...base, relativeMde: 0.1, power: 1 })).toThrow(/power/);
    expect(() => holdoutPlan({ ...base, relativeMde: 0.1, alpha: 0 })).toThrow(/alpha/);
  });
});
