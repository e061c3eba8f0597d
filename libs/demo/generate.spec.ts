import { beforeAll, describe, expect, it } from '@jest/globals';

import { EXPOSURE_TYPES } from '../ingest/index.js';
import { DEEPER_PERSONS_PER_SCENARIO, DEEPER_PLANTED, deeperTriggerDefinitions } from './deeper.js';
import { generateProgram, generateProgramStream } from './generate.js';
import { OVER_TIME_PERSONS, overTimeTriggerDefinitions } from './over-time-block.js';
import type { GeneratedProgram } from './generate.js';
import { DEMO_STREAMS, emptyRows, rowIdentity } from './rows.js';
import { TIME_FIELDS } from './testing.js';
import { computeTruth, missingDefinitions } from './truth.js';
import type { ArmTruth, ProgramTruth } from './truth.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CHANNELS = ['web', 'push', 'email', 'sms', 'in_app', 'paid'];

/** z of the difference of two proportions, unpooled. */
function zOf(
  treatment: ArmTruth,
  control: ArmTruth,
  count: (arm: ArmTruth) => number = (arm) => arm.converters,
): number {
  const pt = count(treatment) / treatment.persons;
  const pc = count(control) / control.persons;
  return (
    (pt - pc) / Math.sqrt((pt * (1 - pt)) / treatment.persons + (pc * (1 - pc)) / control.persons)
  );
}

describe('generateProgram at the default size', () => {
  let program: GeneratedProgram;
  let truth: ProgramTruth;

  beforeAll(() => {
    program = generateProgram({ seed: 20261001 });
    truth = computeTruth(program.rows, program.period, { planted: program.planted });
  }, 120_000);

  it('covers at least 50 000 persons over 30 days', () => {
    const persons = new Set(program.rows.signals.map((s) => s.person_id));
    // the program's persons, the deeper statistics' block's own (deeper.ts) and the over-time
    // block's own (over-time-block.ts)
    const deeper = [...persons].filter((person) => person.startsWith('deep-'));
    const overTime = [...persons].filter((person) => person.startsWith('ot-'));
    expect([
      persons.size - deeper.length - overTime.length,
      deeper.length,
      overTime.length,
    ]).toEqual([
      50_000,
      3 * DEEPER_PERSONS_PER_SCENARIO + DEEPER_PLANTED.small.persons,
      OVER_TIME_PERSONS.novelty + OVER_TIME_PERSONS.delayed,
    ]);
    expect(program.period).toEqual({
      from: new Date('2026-10-01T00:00:00Z'),
      to: new Date('2026-10-31T00:00:00Z'),
    });
    const outside = program.rows.signals.filter((signal) => {
      const at = Date.parse(signal.occurred_at);
      return at < program.period.from.getTime() || at >= program.period.to.getTime();
    });
    expect(outside).toEqual([]);
  });

  it('defines six or more live triggers with all six definitions, across every channel', () => {
    const live = program.rows.triggers.filter((t) => t.status === 'live');
    expect(live.length).toBeGreaterThanOrEqual(6);
    for (const trigger of live) {
      expect(missingDefinitions(trigger)).toEqual([]);
      expect(trigger.holdout_pct).toBeGreaterThanOrEqual(0.1);
      expect(trigger.holdout_pct).toBeLessThanOrEqual(0.5);
    }
    expect(new Set(live.map((t) => t.channel))).toEqual(new Set(CHANNELS));
    // the planted blocks (deeper.ts, over-time-block.ts) add their own live triggers after the
    // program's, in that order
    const blocks = [...deeperTriggerDefinitions(), ...overTimeTriggerDefinitions()].map(
      (t) => t.trigger_id,
    );
    expect(live.map((t) => t.trigger_id)).toEqual([...program.planted.liveTriggerIds, ...blocks]);
  });

  it('adds a draft trigger that is not ready', () => {
    const drafts = program.rows.triggers.filter((t) => t.status === 'draft');
    expect(drafts).toHaveLength(1);
    expect(missingDefinitions(drafts[0])).toEqual(program.planted.draftTrigger.missing);
  });

  it('fires every live trigger in all arms, with variants, skips and sends', () => {
    const firings = program.rows.firings;
    const arms = new Set(firings.map((f) => f.arm));
    expect(arms).toEqual(new Set(['treatment', 'holdout', 'global_holdout']));
    for (const triggerId of program.planted.liveTriggerIds) {
      expect(truth.triggers[triggerId].firings).toBeGreaterThan(5_000);
      expect(truth.triggers[triggerId].latency.sentTreatmentFirings).toBeGreaterThan(1_000);
    }
    const skipReasons = new Set(firings.map((f) => f.skip_reason).filter(Boolean));
    for (const reason of ['consent', 'frequency_cap', 'suppressed', 'quiet_hours', 'error']) {
      expect(skipReasons).toContain(reason);
    }
    for (const [triggerId, variants] of Object.entries(program.planted.variants)) {
      const used = new Set(
        firings.filter((f) => f.trigger_id === triggerId && f.variant).map((f) => f.variant),
      );
      expect(used).toEqual(new Set(variants));
    }
    const inconsistent = firings.filter(
      (f) =>
        (f.dispatched_at !== undefined) !==
          (f.arm === 'treatment' && f.skip_reason === undefined) ||
        (f.variant !== undefined && f.arm !== 'treatment'),
    );
    expect(inconsistent).toEqual([]);
    const globalHoldout = new Set(
      firings.filter((f) => f.arm === 'global_holdout').map((f) => f.person_id),
    );
    // the planted blocks' persons (deeper.ts, over-time-block.ts) have no global holdout: the
    // share is the program's
    const persons = new Set(
      firings
        .map((f) => f.person_id)
        .filter((person) => !person.startsWith('deep-') && !person.startsWith('ot-')),
    );
    expect(globalHoldout.size / persons.size).toBeCloseTo(program.planted.globalHoldoutShare, 2);
  });

  it('links firings to the signals that armed them', () => {
    const signals = new Map(program.rows.signals.map((s) => [s.event_id, s]));
    const unlinked = program.rows.firings.filter((firing) => {
      const signal = signals.get(firing.signal_event_id!);
      return (
        signal?.person_id !== firing.person_id ||
        (firing.signal_at !== undefined && firing.signal_at !== signal.occurred_at)
      );
    });
    expect(unlinked).toEqual([]);
    const withSignalAt = program.rows.firings.filter((f) => f.signal_at !== undefined).length;
    expect(withSignalAt).toBeGreaterThan(0);
    expect(withSignalAt).toBeLessThan(program.rows.firings.length);
  });

  it('writes signals of every kind, predictive ones with computed_at', () => {
    const kinds = new Set(program.rows.signals.map((s) => s.kind ?? 'behavioral'));
    expect(kinds).toEqual(new Set(['behavioral', 'identity', 'predictive']));
    expect(program.rows.signals.some((s) => s.kind === undefined)).toBe(true);
    const wrong = program.rows.signals.filter(
      (s) =>
        (s.computed_at !== undefined) !== (s.kind === 'predictive') ||
        (s.computed_at !== undefined && Date.parse(s.computed_at) > Date.parse(s.occurred_at)),
    );
    expect(wrong).toEqual([]);
  });

  it('writes exposures only for sent firings, including bounces and machine opens', () => {
    const sent = new Set(
      program.rows.firings
        .filter((f) => f.arm === 'treatment' && f.skip_reason === undefined)
        .map((f) => f.firing_id),
    );
    expect(program.rows.exposures.filter((e) => !sent.has(e.firing_id))).toEqual([]);
    const types = new Set(program.rows.exposures.map((e) => e.type));
    for (const type of EXPOSURE_TYPES) {
      expect(types).toContain(type);
    }
    expect(program.rows.exposures.some((e) => e.machine === true)).toBe(true);
  });

  it('writes success, regret and overwhelm outcomes', () => {
    const outcomes = program.rows.outcomes;
    const types = new Set(outcomes.map((o) => o.type));
    for (const type of ['purchase', 'conversion', 'subscription_started', 'return', 'refund']) {
      expect(types).toContain(type);
    }
    for (const type of [
      'chargeback',
      'unsubscribe',
      'complaint',
      'opt_out',
      'uninstall',
      'dismiss',
    ]) {
      expect(types).toContain(type);
    }
    const orders = new Set(
      outcomes.filter((o) => o.order_id && !o.refund_of_order_id).map((o) => o.order_id),
    );
    expect(
      outcomes.filter(
        (o) => o.refund_of_order_id !== undefined && !orders.has(o.refund_of_order_id),
      ),
    ).toEqual([]);
    expect(
      outcomes.filter(
        (o) => o.value !== undefined && (typeof o.value !== 'number' || o.currency !== 'EUR'),
      ),
    ).toEqual([]);
  });

  it('records consent grants and revocations, some before the period', () => {
    const consent = program.rows.consent;
    expect(consent.some((c) => c.granted)).toBe(true);
    expect(
      consent.some((c) => !c.granted && Date.parse(c.occurred_at) >= program.period.from.getTime()),
    ).toBe(true);
    expect(consent.some((c) => Date.parse(c.occurred_at) < program.period.from.getTime())).toBe(
      true,
    );
    expect(
      consent.filter((c) => !(Date.parse(c.recorded_at!) >= Date.parse(c.occurred_at))),
    ).toEqual([]);
  });

  it('writes timestamps as ISO-8601 UTC strings and no sent_at', () => {
    for (const stream of DEMO_STREAMS) {
      const wrong = (program.rows[stream] as object[]).filter((row) => {
        const record = row as Record<string, unknown>;
        return (
          'sent_at' in record ||
          TIME_FIELDS.some((field) => field in record && !ISO_UTC.test(record[field] as string))
        );
      });
      expect(wrong).toEqual([]);
    }
  });

  it('delivers about 2% of rows again as exact copies', () => {
    let rows = 0;
    let copies = 0;
    for (const stream of DEMO_STREAMS) {
      const originals = new Map(program.rows[stream].map((row) => [rowIdentity(stream, row), row]));
      expect(originals.size).toBe(program.rows[stream].length);
      const inexact = program.duplicates[stream].filter((copy) => {
        const original = originals.get(rowIdentity(stream, copy));
        return copy === original || JSON.stringify(copy) !== JSON.stringify(original);
      });
      expect(inexact).toEqual([]);
      rows += program.rows[stream].length;
      copies += program.duplicates[stream].length;
    }
    expect(copies / rows).toBeGreaterThan(0.017);
    expect(copies / rows).toBeLessThan(0.023);
  });

  it('plants expired firings on every live trigger', () => {
    for (const triggerId of program.planted.liveTriggerIds) {
      const latency = truth.triggers[triggerId].latency;
      expect(latency.expired).toBeGreaterThan(0);
      expect(latency.withinWindowRate).toBeGreaterThan(0.9);
      expect(latency.withinWindowRate).toBeLessThan(1);
    }
  });

  it('plants contaminated persons on every live trigger', () => {
    for (const triggerId of program.planted.liveTriggerIds) {
      expect(truth.triggers[triggerId].lift.contaminatedPersons).toBeGreaterThan(10);
    }
  });

  it('plants a sample-ratio mismatch on one trigger only', () => {
    // 10.83 is the chi-square (1 df) critical value at p = 0.001, the design's SRM threshold.
    const [srm] = program.planted.srmTriggers;
    expect(program.planted.srmTriggers).toHaveLength(1);
    for (const triggerId of program.planted.liveTriggerIds) {
      const check = truth.triggers[triggerId].lift.srm;
      if (triggerId === srm.triggerId) {
        expect(check.expectedHoldoutShare).toBe(srm.declaredHoldoutPct);
        expect(check.observedHoldoutShare).toBeCloseTo(srm.actualHoldoutShare, 1);
        expect(check.chiSquare).toBeGreaterThan(10.83);
      } else {
        expect(check.chiSquare).toBeLessThan(10.83);
      }
    }
  });

  it('plants real lift on some triggers and none on others', () => {
    expect(program.planted.liftTriggerIds.length).toBeGreaterThanOrEqual(2);
    expect(program.planted.zeroLiftTriggerIds.length).toBeGreaterThanOrEqual(2);
    for (const triggerId of program.planted.liftTriggerIds) {
      const lift = truth.triggers[triggerId].lift;
      expect(zOf(lift.treatment, lift.control)).toBeGreaterThan(4);
    }
    for (const triggerId of program.planted.zeroLiftTriggerIds) {
      const lift = truth.triggers[triggerId].lift;
      expect(Math.abs(zOf(lift.treatment, lift.control))).toBeLessThan(3);
    }
  });

  it('plants harm: far more overwhelm under treatment on the harm trigger', () => {
    const overwhelmed = (arm: ArmTruth): number => arm.overwhelmedPersons;
    const [harm] = program.planted.harmTriggerIds;
    const harmLift = truth.triggers[harm].lift;
    const harmZ = zOf(harmLift.treatment, harmLift.control, overwhelmed);
    expect(harmZ).toBeGreaterThan(10);
    for (const triggerId of program.planted.liveTriggerIds.filter((id) => id !== harm)) {
      const lift = truth.triggers[triggerId].lift;
      expect(zOf(lift.treatment, lift.control, overwhelmed)).toBeLessThan(harmZ / 2);
    }
  });

  it('plants suppression failures', () => {
    const total = (pick: (id: string) => number): number =>
      program.planted.liveTriggerIds.map(pick).reduce((a, b) => a + b, 0);
    const suppression = (id: string) => truth.triggers[id].suppression;
    expect(total((id) => suppression(id).convertedThenTargeted)).toBeGreaterThan(100);
    expect(total((id) => suppression(id).convertedInFlight)).toBeGreaterThan(100);
    expect(total((id) => suppression(id).capBreaches)).toBeGreaterThan(100);
    expect(suppression('cart-recovery-email').convertedThenTargeted).toBeGreaterThan(0);
    expect(suppression('cart-recovery-email').convertedInFlight).toBeGreaterThan(0);
  });

  it('plants non-compliant activations after revocations', () => {
    const withViolations = truth.consent.byTrigger.filter((t) => t.nonCompliant > 0);
    expect(withViolations.length).toBeGreaterThanOrEqual(4);
    expect(truth.consent.nonCompliantActivations).toBeGreaterThan(50);
    expect(truth.consent.syncLagsMs.length).toBeGreaterThan(0);
  });

  it('plants regret and a rising dose-response curve', () => {
    const refunded = program.planted.liveTriggerIds
      .map((id) => truth.triggers[id].lift.treatment.refundedOrders)
      .reduce((a, b) => a + b, 0);
    expect(refunded).toBeGreaterThan(100);
    const rates = truth.pressure.doseResponse.map((bucket) => bucket.overwhelmRate!);
    expect(truth.pressure.doseResponse.every((bucket) => bucket.firings > 50)).toBe(true);
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
  });
});

describe('generateProgram at a small size', () => {
  const options = { seed: 7, persons: 2_000 };

  // Compared as JSON: a deep toEqual over tens of thousands of rows is needlessly slow.
  let reference: string;
  beforeAll(() => {
    reference = JSON.stringify(generateProgram(options));
  });

  it('is deterministic for a seed', () => {
    expect(JSON.stringify(generateProgram(options))).toBe(reference);
    expect(JSON.stringify(generateProgram({ ...options, seed: 8 }))).not.toBe(reference);
  });

  it('keeps the rows when only the duplicate rate changes', () => {
    const without = generateProgram({ ...options, duplicateRate: 0 });
    expect(JSON.stringify(without.rows)).toBe(JSON.stringify(generateProgram(options).rows));
    expect(Object.values(without.duplicates).every((rows: unknown[]) => rows.length === 0)).toBe(
      true,
    );
  });

  it('streams the same program in chunks', () => {
    const whole = generateProgram(options);
    const rows = emptyRows();
    const duplicates = emptyRows();
    const malformed: Record<string, string[]> = {};
    for (const chunk of generateProgramStream({ ...options, chunkPersons: 300 })) {
      (rows[chunk.stream] as object[]).push(...chunk.rows);
      (duplicates[chunk.stream] as object[]).push(...chunk.duplicates);
      malformed[chunk.stream] = [...(malformed[chunk.stream] ?? []), ...chunk.malformed];
    }
    expect(JSON.stringify(rows)).toBe(JSON.stringify(whole.rows));
    expect(JSON.stringify(duplicates)).toBe(JSON.stringify(whole.duplicates));
    expect(malformed).toEqual(whole.malformed);
  });

  it('keeps every row of the persons and an even sample of the planted blocks (plantedBlockRows)', () => {
    const small = { seed: 7, persons: 50 };
    const whole = generateProgram(small);
    const persons = generateProgram({ ...small, plantedBlockRows: 0 });
    const sampled = generateProgram({ ...small, plantedBlockRows: 40 });
    expect(sampled.rows.triggers).toEqual(whole.rows.triggers);
    expect(persons.rows.triggers).toEqual(whole.rows.triggers);
    for (const stream of ['signals', 'firings', 'exposures', 'outcomes', 'consent'] as const) {
      const texts = (program: GeneratedProgram) =>
        (program.rows[stream] as object[]).map((row) => JSON.stringify(row));
      const own = texts(persons);
      const blocks = texts(whole).slice(own.length);
      const kept = texts(sampled).slice(own.length);
      // the persons' rows come first, the same with or without the blocks
      expect(texts(whole).slice(0, own.length)).toEqual(own);
      expect(texts(sampled).slice(0, own.length)).toEqual(own);
      // at most 40 rows of each of the two blocks, taken in order from the blocks' rows
      expect(kept.length).toBeLessThanOrEqual(80);
      expect(kept.length).toBeGreaterThanOrEqual(Math.min(blocks.length, 40));
      let at = 0;
      for (const row of kept) {
        while (at < blocks.length && blocks[at] !== row) {
          at += 1;
        }
        expect({ stream, found: at < blocks.length }).toEqual({ stream, found: true });
        at += 1;
      }
    }
    expect(JSON.stringify(sampled.duplicates)).toBe(JSON.stringify(whole.duplicates));
    const streamed = emptyRows();
    for (const chunk of generateProgramStream({ ...small, plantedBlockRows: 40 })) {
      (streamed[chunk.stream] as object[]).push(...chunk.rows);
    }
    expect(JSON.stringify(streamed)).toBe(JSON.stringify(sampled.rows));
  });

  it('rejects impossible options, naming each', () => {
    expect(() => generateProgram({ seed: 1, persons: 0, days: -1, duplicateRate: 2 })).toThrow(
      /persons.*days.*duplicateRate/,
    );
    expect(() => generateProgram({ seed: 1, plantedBlockRows: -1 })).toThrow(/plantedBlockRows/);
  });
});
