import { describe, expect, it } from '@jest/globals';

import { deeperTriggerDefinitions } from './deeper.js';
import { generateProgram } from './generate.js';
import {
  OVER_TIME_PERSONS,
  OVER_TIME_PLANTED,
  expectedNoveltyRelativeLift,
  generateOverTimeRows,
  overTimeDecisionSpan,
  overTimeTriggerDefinitions,
} from './over-time-block.js';
import { TRIGGER_DEFINITIONS } from './program.js';
import { computeTruth, indexProgram, missingDefinitions } from './truth.js';
import { conversionCurveTruth, liftOverTimeTruth, type ArmCounts } from './truth-over-time.js';

const DAY = 86_400_000;
const Z_975 = 1.959963984540054;
const period = { from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-10-31T00:00:00Z') };
const from = period.from.getTime();
const to = period.to.getTime();

const rate = (arm: ArmCounts) => arm.conversions / arm.persons;
const relativeLift = (t: ArmCounts, c: ArmCounts) => rate(t) / rate(c) - 1;
/** docs/design.md §3.4: the unpooled 95% interval of p_t − p_c. */
function absoluteLift(t: ArmCounts, c: ArmCounts): { estimate: number; low: number; high: number } {
  const [pt, pc] = [rate(t), rate(c)];
  const se = Math.sqrt((pt * (1 - pt)) / t.persons + (pc * (1 - pc)) / c.persons);
  return { estimate: pt - pc, low: pt - pc - Z_975 * se, high: pt - pc + Z_975 * se };
}

describe('the over-time block of the demo program', () => {
  const { novelty, delayed } = OVER_TIME_PLANTED;

  it('defines two live triggers with all six definitions, on signal types of their own', () => {
    const definitions = overTimeTriggerDefinitions();
    expect(definitions.map((t) => [t.trigger_id, t.status, missingDefinitions(t)])).toEqual([
      [novelty.triggerId, 'live', []],
      [delayed.triggerId, 'live', []],
    ]);
    const others = [...TRIGGER_DEFINITIONS, ...deeperTriggerDefinitions()];
    const otherSignals = new Set(others.flatMap((t) => t.signal_types));
    expect(definitions.flatMap((t) => t.signal_types).filter((s) => otherSignals.has(s))).toEqual(
      [],
    );
  });

  it('follows the program and the deeper block on persons of its own, consented, never suppressed', () => {
    const program = generateProgram({ seed: 7, persons: 500 });
    const block = generateOverTimeRows(7, from, to);
    for (const stream of ['triggers', 'signals', 'firings', 'outcomes', 'consent'] as const) {
      const rows = program.rows[stream] as object[];
      expect(rows.slice(rows.length - block[stream].length)).toEqual(block[stream]);
    }
    const persons = new Set(block.firings.map((f) => f.person_id));
    expect(persons.size).toBe(OVER_TIME_PERSONS.novelty + OVER_TIME_PERSONS.delayed);
    expect([...persons].every((person) => person.startsWith('ot-'))).toBe(true);
    const truth = computeTruth(block, period);
    for (const triggerId of [novelty.triggerId, delayed.triggerId]) {
      const trigger = truth.triggers[triggerId];
      expect(trigger.consent.sentFirings).toBeGreaterThan(2_000);
      expect(trigger.consent.nonCompliant).toBe(0);
      expect(trigger.suppression.convertedThenTargeted).toBe(0);
      expect(trigger.lift.contaminatedPersons).toBe(0);
    }
  });

  // the demo's default seed (the README's figures) and the planted-truth suites' seed
  describe.each([42, 20_261_001])('at seed %i', (seed) => {
    const index = indexProgram(generateOverTimeRows(seed, from, to), period);

    it("plants a novelty effect: the first week's cumulative lift is far above the month's", () => {
      const points = liftOverTimeTruth(index, novelty.triggerId, from, to, DAY);
      const week = points[6];
      const last = points[points.length - 1];
      expect(week.asOf).toBe(from + 7 * DAY);
      // expected from the planted numbers: the persons of the first week against all of them
      const { firstMs, lastMs } = overTimeDecisionSpan(to - from, novelty.conversionWindowMs);
      const expectedWeek = expectedNoveltyRelativeLift(firstMs, 7 * DAY);
      const expectedMonth = expectedNoveltyRelativeLift(firstMs, lastMs);
      expect(expectedWeek - expectedMonth).toBeGreaterThan(0.5);
      const drop =
        relativeLift(week.treatment, week.control) - relativeLift(last.treatment, last.control);
      expect(drop).toBeGreaterThan((expectedWeek - expectedMonth) / 2);
      // and the month's relative lift is still clearly above 0: the effect wore off, not away
      expect(absoluteLift(last.treatment, last.control).low).toBeGreaterThan(0);
    });

    it('plants a delayed effect: no lift within the first day, a clear one from the second', () => {
      const steps = conversionCurveTruth(index, delayed.triggerId, from, to, to + 10 * DAY);
      expect(steps.map((s) => s.sinceMs)).toEqual([DAY, 2 * DAY, 3 * DAY, 4 * DAY]);
      const [first, ...later] = steps.map((s) => absoluteLift(s.treatment, s.control));
      expect(first.low).toBeLessThan(0);
      expect(first.high).toBeGreaterThan(0);
      // the planted extra: the treated persons the base rate leaves, times the uplift
      const planted = (1 - delayed.baseRate) * delayed.uplift;
      for (const step of later) {
        expect(step.low).toBeGreaterThan(0);
        expect(step.estimate).toBeGreaterThan(planted / 2);
      }
    });
  });
});
