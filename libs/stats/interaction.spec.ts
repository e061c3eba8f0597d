import { describe, expect, it } from '@jest/globals';
import { triggerInteraction, type InteractionCells } from './interaction.js';

// A's arm first: treatmentControl = A treated, B held out. x = conversions of A.
const cells: InteractionCells = {
  treatmentTreatment: { n: 400, x: 60 }, // 0.15
  treatmentControl: { n: 200, x: 20 }, // 0.10
  controlTreatment: { n: 200, x: 18 }, // 0.09
  controlControl: { n: 100, x: 8 }, // 0.08
};

type Cell = readonly [n: number, x: number];
/** The four cells as [persons, conversions of A], in the order TT, TC, CT, CC. */
const cellsOf = (tt: Cell, tc: Cell, ct: Cell, cc: Cell): InteractionCells => ({
  treatmentTreatment: { n: tt[0], x: tt[1] },
  treatmentControl: { n: tc[0], x: tc[1] },
  controlTreatment: { n: ct[0], x: ct[1] },
  controlControl: { n: cc[0], x: cc[1] },
});

describe('triggerInteraction', () => {
  it('measures how A’s lift changes when B acts', () => {
    // A's lift with B acting: 0.15 − 0.09 = 0.06; with B held out: 0.10 − 0.08 = 0.02;
    // interaction = 0.06 − 0.02 = 0.04.
    // SE² = 0.15·0.85/400 + 0.10·0.90/200 + 0.09·0.91/200 + 0.08·0.92/100
    //     = 0.00031875 + 0.00045 + 0.0004095 + 0.000736 = 0.00191425; SE = 0.04375214280466729
    // 95 %: 0.04 ± 1.959963984540054·0.04375214280466729 = [−0.04575262414360116, 0.12575262414360117]
    // z = 0.04/0.04375… = 0.91424…, p = 2·(1 − Φ(z)) = 0.3605902583176698 (scipy)
    const r = triggerInteraction(cells);
    expect(r.interaction!.estimate).toBeCloseTo(0.04, 15);
    expect(r.se!).toBeCloseTo(0.04375214280466729, 15);
    expect(r.interaction!.low).toBeCloseTo(-0.045752624143601164, 14);
    expect(r.interaction!.high).toBeCloseTo(0.12575262414360117, 14);
    expect(r.pValue!).toBeCloseTo(0.3605902583176698, 12);
  });

  it('finds independently drawn holdouts independent', () => {
    // persons: rows (A) 600, 300; columns (B) 600, 300; N = 900: expected TT = 600·600/900 = 400,
    // exactly what is observed, so χ² = 0 and p = 1.
    const r = triggerInteraction(cells);
    expect(r.assignmentChiSquare).toBeCloseTo(0, 12);
    expect(r.assignmentPValue).toBeCloseTo(1, 12);
  });

  it('flags a shared holdout', () => {
    // persons [[500, 50], [50, 300]]: scipy.stats.chi2_contingency(correction=False) gives
    // χ² = 528.4027660651038, p = 6.286902285616262e-117 (hand: E = 336.1, 213.9, 213.9, 136.1)
    const shared = triggerInteraction(cellsOf([500, 50], [50, 5], [50, 4], [300, 24]));
    expect(shared.assignmentChiSquare!).toBeCloseTo(528.4027660651038, 9);
    expect(shared.assignmentPValue! / 6.286902285616262e-117).toBeCloseTo(1, 6);
    // and a table close to independent: [[260, 240], [250, 250]] → χ² = 0.4001600640256102,
    // p = 0.5270066047278252
    const near = triggerInteraction(cellsOf([260, 26], [240, 24], [250, 20], [250, 20]));
    expect(near.assignmentChiSquare!).toBeCloseTo(0.4001600640256102, 12);
    expect(near.assignmentPValue!).toBeCloseTo(0.5270066047278252, 12);
  });

  it('follows the confidence level', () => {
    // 99 %: 0.04 ± 2.5758293035489004·0.04375214280466729
    const r = triggerInteraction(cells, 0.99);
    expect(r.interaction!.low).toBeCloseTo(0.04 - 2.5758293035489004 * 0.04375214280466729, 14);
  });

  it('has no interaction with an empty cell, nor an assignment test with an empty arm', () => {
    const emptyCell = triggerInteraction({ ...cells, controlControl: { n: 0, x: 0 } });
    expect(emptyCell.interaction).toBeNull();
    expect(emptyCell.se).toBeNull();
    expect(emptyCell.pValue).toBeNull();
    // rows 600 and 200, columns 600 and 200: still a table; χ² = 800·(400·0 − 200·200)²/(600·200·600·200)
    // = 800·1.6e9/1.44e10 = 88.888…
    expect(emptyCell.assignmentChiSquare!).toBeCloseTo(800 / 9, 9);
    const noHoldoutOfA = triggerInteraction({
      ...cells,
      controlTreatment: { n: 0, x: 0 },
      controlControl: { n: 0, x: 0 },
    });
    expect(noHoldoutOfA.assignmentChiSquare).toBeNull();
    expect(noHoldoutOfA.assignmentPValue).toBeNull();
  });

  it('says a certain difference is certain when every cell is constant', () => {
    const r = triggerInteraction(cellsOf([100, 100], [100, 0], [100, 0], [100, 0]));
    expect(r.interaction!.estimate).toBe(1);
    expect(r.se).toBe(0);
    expect(r.pValue).toBe(0);
  });

  it('rejects malformed cells, naming them', () => {
    expect(() => triggerInteraction({ ...cells, treatmentControl: { n: 10, x: 11 } })).toThrow(
      /treatmentControl.x/,
    );
    expect(() => triggerInteraction({ ...cells, controlTreatment: { n: -1, x: 0 } })).toThrow(
      /controlTreatment.n/,
    );
    expect(() => triggerInteraction(cells, 1.5)).toThrow(/confidence/);
  });
});
