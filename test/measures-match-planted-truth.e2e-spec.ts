// The planted-truth test: a seeded demo program goes in through HTTP as a producer sends it, and
// every measure read back through GraphQL must equal the reference answers that libs/demo/truth.ts
// computes from the same rows with plain loops (docs/design.md §3). Counts are compared exactly;
// statistics are recomputed here from the truth's counts with the formulas the document publishes,
// never with the code under test.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CausewayClient, type UploadTotals } from '../libs/client/index.js';
import {
  DEMO_STREAMS,
  PRESSURE_BUCKETS,
  computeTruth,
  generateProgram,
  serializeProgram,
  type ArmTruth,
  type DemoStream,
  type GeneratedProgram,
  type ProgramTruth,
  type SerializedStream,
} from '../libs/demo/index.js';
import { gqlData, mintKey, storedRows } from './support/client.js';
import {
  near,
  PLANTED_PERSONS,
  PLANTED_SEED,
  Z_975,
  type Arm,
  type Interval,
} from './support/planted-truth.js';
import { startApi, type ApiProcess } from './support/processes.js';

/** Chi-square (1 df) critical value at p = 0.001: above it docs/design.md §3.6 flags an SRM. */
const CHI2_CRITICAL_P001 = 10.827566170662733;
/**
 * Largest request body and lines this suite's API takes (INGEST_MAX_BODY_BYTES, INGEST_MAX_ROWS),
 * above the defaults so that every stream, the demo's planted blocks included, fits one request.
 */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
const MAX_ROWS = 100_000;

/** docs/design.md §3.4: Δ = p_t − p_c, SE = √(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c), Δ ± z·SE. */
function absoluteLift(treatment: ArmTruth, control: ArmTruth) {
  const pt = treatment.converters / treatment.persons;
  const pc = control.converters / control.persons;
  const delta = pt - pc;
  const se = Math.sqrt((pt * (1 - pt)) / treatment.persons + (pc * (1 - pc)) / control.persons);
  return { estimate: delta, low: delta - Z_975 * se, high: delta + Z_975 * se };
}

/**
 * Exact percentile of a sorted list by linear interpolation between closest ranks (numpy's
 * default, R type 7, Excel's PERCENTILE.INC): h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌈h⌉] − x[⌊h⌋]).
 */
function percentileInc(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lower = sorted[Math.floor(h)];
  const upper = sorted[Math.ceil(h)];
  return lower + (h - Math.floor(h)) * (upper - lower);
}

/**
 * the design's "rank error ≤ 1 %": a reported q-quantile must lie between the values at ranks
 * (q − 0.01)·(n − 1) and (q + 0.01)·(n − 1) of the sorted list (0-based, outward rounded).
 */
function rankBand(sorted: readonly number[], q: number): [number, number] {
  const last = sorted.length - 1;
  const low = sorted[Math.max(0, Math.floor((q - 0.01) * last))];
  const high = sorted[Math.min(last, Math.ceil((q + 0.01) * last))];
  return [low, high];
}

const byTrigger = <T extends { triggerId: string }>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => (a.triggerId < b.triggerId ? -1 : a.triggerId > b.triggerId ? 1 : 0));

interface TriggerLift {
  triggerId: string;
  variant: string | null;
  treatment: Arm;
  holdout: Arm;
  absoluteLift: Interval | null;
  contaminatedPersons: number;
  srm: {
    expectedHoldoutShare: number | null;
    observedHoldoutShare: number | null;
    flagged: boolean;
  };
}

const LIFT_QUERY = `query($from: DateTime!, $to: DateTime!, $groupBy: [LiftDimension!]) {
  liftReport(from: $from, to: $to, groupBy: $groupBy) {
    triggerId variant contaminatedPersons
    treatment { persons conversions revenue }
    holdout { persons conversions revenue }
    absoluteLift { estimate low high }
    srm { expectedHoldoutShare observedHoldoutShare flagged }
  }
}`;

describe('measures match the truth planted in a generated program', () => {
  let program: GeneratedProgram;
  let serialized: Record<DemoStream, SerializedStream>;
  let truth: ProgramTruth;
  let api: ApiProcess;
  let key: string;
  const uploads = {} as Record<DemoStream, UploadTotals>;
  let period: { from: string; to: string };
  const liveTriggerIds = (): string[] => program.planted.liveTriggerIds;
  /** Triggers with at least one firing in the period (the ones lift and guardrails report). */
  const firedTriggerIds = (): string[] =>
    Object.values(truth.triggers)
      .filter((t) => t.firings > 0)
      .map((t) => t.triggerId)
      .sort();

  const read = <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> =>
    gqlData<T>(api.url, key, query, { ...period, ...variables });

  beforeAll(async () => {
    program = generateProgram({ seed: PLANTED_SEED, persons: PLANTED_PERSONS });
    serialized = serializeProgram(program);
    truth = computeTruth(program.rows, program.period, { planted: program.planted });
    period = { from: program.period.from.toISOString(), to: program.period.to.toISOString() };

    api = await startApi({
      INGEST_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
      INGEST_MAX_ROWS: String(MAX_ROWS),
      // every read below is computed: the answer cache would give a measure asked again after
      // buildTrendFacts its first answer, from the streams, and the facts would go unchecked
      RESULT_CACHE_MB: '0',
      // the trend facts are built when a test asks (buildTrendFacts), never in the background
      TREND_FACTS_EVERY_MS: '0',
    });
    key = await mintKey(api.url, api.adminKey, 'planted-truth', ['INGEST', 'READ']);
    const client = new CausewayClient(api.url, key);
    // Triggers first (DEMO_STREAMS starts with them). One request per stream: the API counts
    // duplicates within a request, and every copy lands in the request of its original.
    for (const stream of DEMO_STREAMS) {
      const { ndjson, lines } = serialized[stream];
      if (lines > MAX_ROWS || Buffer.byteLength(ndjson) > MAX_BODY_BYTES) {
        throw new Error(`${stream} does not fit one request at ${PLANTED_PERSONS} persons`);
      }
      uploads[stream] = await client.upload(stream, ndjson, MAX_ROWS, 1);
    }
  }, 150_000);

  afterAll(async () => {
    await api?.dispose();
  });

  it('answers every upload: malformed lines rejected by line number, copies counted', () => {
    const answers = DEMO_STREAMS.map((stream) => {
      const got = uploads[stream];
      return {
        stream,
        lines: got.lines,
        requests: got.requests,
        accepted: got.accepted,
        rejected: got.rejected,
        rejectedLines: got.errors.map((e) => e.line),
        duplicates: got.duplicates,
        conflicts: got.conflicts,
      };
    });
    expect(answers).toEqual(
      DEMO_STREAMS.map((stream) => {
        const sent = serialized[stream];
        return {
          stream,
          lines: sent.lines,
          requests: 1,
          accepted: sent.lines - sent.malformed,
          rejected: sent.malformed,
          rejectedLines: sent.malformedLineNumbers,
          duplicates: sent.duplicates,
          conflicts: truth.dedup[stream].conflicting,
        };
      }),
    );
    expect(DEMO_STREAMS.map((s) => serialized[s].malformed)).toEqual(DEMO_STREAMS.map(() => 4));
  });

  it('stores each distinct row once', async () => {
    const stored = await storedRows(api.url, key);
    expect(stored).toEqual(Object.fromEntries(DEMO_STREAMS.map((s) => [s, serialized[s].rows])));
  });

  it('holds every planted fact at this size (preconditions of the comparisons below)', () => {
    const planted = program.planted;
    const live = liveTriggerIds().map((id) => truth.triggers[id]);
    // SRM: the chi-square of the truth's counts crosses p < 0.001 exactly where it was planted.
    expect(
      live.map((t) => [t.triggerId, (t.lift.srm.chiSquare ?? 0) > CHI2_CRITICAL_P001]),
    ).toEqual(
      live.map((t) => [t.triggerId, planted.srmTriggers.some((s) => s.triggerId === t.triggerId)]),
    );
    expect(planted.srmTriggers.length).toBeGreaterThan(0);
    // Variants as planted, and every planted failure present in every live trigger's data.
    for (const t of live) {
      expect([t.triggerId, Object.keys(t.lift.variants).sort()]).toEqual([
        t.triggerId,
        planted.variants[t.triggerId] ?? [],
      ]);
      expect([t.triggerId, t.lift.treatment.persons >= 100, t.lift.control.persons >= 100]).toEqual(
        [t.triggerId, true, true],
      );
      expect([t.triggerId, t.lift.contaminatedPersons > 0, t.latency.expired > 0]).toEqual([
        t.triggerId,
        true,
        true,
      ]);
    }
    const total = (f: (t: (typeof live)[number]) => number): number =>
      live.reduce((sum, t) => sum + f(t), 0);
    expect(total((t) => t.suppression.capBreaches)).toBeGreaterThan(0);
    expect(total((t) => t.suppression.convertedThenTargeted)).toBeGreaterThan(0);
    expect(total((t) => t.suppression.convertedInFlight)).toBeGreaterThan(0);
    expect(total((t) => t.lift.treatment.refundedOrders)).toBeGreaterThan(0);
    expect(truth.consent.nonCompliantActivations).toBeGreaterThan(0);
    expect(truth.consent.syncLagsMs.length).toBeGreaterThan(0);
    expect(truth.pressure.aboveCap).toBeGreaterThan(0);
    expect(truth.pressure.doseResponse.map((b) => b.firings > 0)).toEqual(
      PRESSURE_BUCKETS.map(() => true),
    );
    // Harm: the harm trigger's treatment is overwhelmed at several times the control's rate.
    for (const id of planted.harmTriggerIds) {
      const { treatment, control } = truth.triggers[id].lift;
      expect(treatment.overwhelmedPersons / treatment.persons).toBeGreaterThan(
        (3 * control.overwhelmedPersons) / control.persons,
      );
    }
    expect(truth.triggers[planted.draftTrigger.triggerId].missingDefinitions).toEqual(
      planted.draftTrigger.missing,
    );
  });

  it('liftReport: arms, contamination, revenue, absolute lift and SRM per trigger', async () => {
    const { liftReport } = await read<{ liftReport: TriggerLift[] }>(LIFT_QUERY);
    const srmIds = new Set(program.planted.srmTriggers.map((s) => s.triggerId));
    expect(byTrigger(liftReport)).toEqual(
      firedTriggerIds().map((id) => {
        const lift = truth.triggers[id].lift;
        return {
          triggerId: id,
          variant: null,
          contaminatedPersons: lift.contaminatedPersons,
          treatment: {
            persons: lift.treatment.persons,
            conversions: lift.treatment.converters,
            revenue: near(lift.treatment.revenue),
          },
          holdout: {
            persons: lift.control.persons,
            conversions: lift.control.converters,
            revenue: near(lift.control.revenue),
          },
          absoluteLift: mapNear(absoluteLift(lift.treatment, lift.control)),
          srm: {
            expectedHoldoutShare: lift.srm.expectedHoldoutShare,
            observedHoldoutShare: near(lift.srm.observedHoldoutShare ?? Number.NaN),
            flagged: srmIds.has(id),
          },
        };
      }),
    );
  });

  it('liftReport groupBy VARIANT: each variant against the whole control group', async () => {
    const { liftReport } = await read<{ liftReport: TriggerLift[] }>(LIFT_QUERY, {
      groupBy: ['VARIANT'],
    });
    const key = (r: { triggerId: string; variant: string | null }) =>
      `${r.triggerId}\u0000${r.variant ?? ''}`;
    const rows = [...liftReport]
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .map((r) => ({
        triggerId: r.triggerId,
        variant: r.variant,
        treatment: { persons: r.treatment.persons, conversions: r.treatment.conversions },
        holdout: { persons: r.holdout.persons, conversions: r.holdout.conversions },
        absoluteLift: r.absoluteLift,
      }));
    expect(rows).toEqual(
      firedTriggerIds().flatMap((id) => {
        const lift = truth.triggers[id].lift;
        const variants = Object.keys(lift.variants).sort();
        const groups: [string | null, ArmTruth][] =
          variants.length > 0
            ? variants.map((v) => [v, lift.variants[v]])
            : [[null, lift.treatment]];
        return groups.map(([variant, arm]) => ({
          triggerId: id,
          variant,
          treatment: { persons: arm.persons, conversions: arm.converters },
          holdout: { persons: lift.control.persons, conversions: lift.control.converters },
          absoluteLift: mapNear(absoluteLift(arm, lift.control)),
        }));
      }),
    );
  });

  /** triggerLatency against the truth: firings, expired, within-window rate, p50/p90, max. */
  const expectLatencyMatchesTruth = async () => {
    interface LatencyRow {
      triggerId: string;
      firings: number;
      expired: number;
      withinWindowRate: number | null;
      p50Ms: number;
      p90Ms: number;
      maxMs: number;
    }
    const { triggerLatency } = await read<{ triggerLatency: LatencyRow[] }>(
      `query($from: DateTime!, $to: DateTime!) {
        triggerLatency(from: $from, to: $to) {
          triggerId firings expired withinWindowRate p50Ms p90Ms maxMs
        }
      }`,
    );
    const inBand = (value: number, sorted: number[], q: number): string => {
      const [low, high] = rankBand(sorted, q);
      return value >= low && value <= high
        ? 'within 1 % rank'
        : `${value} not in [${low}, ${high}]`;
    };
    const measured = Object.values(truth.triggers).filter((t) => t.latency.measured > 0);
    expect(
      byTrigger(triggerLatency).map((r) => {
        const sorted = truth.triggers[r.triggerId]?.latency.endToEndMs ?? [];
        return {
          triggerId: r.triggerId,
          firings: r.firings,
          expired: r.expired,
          withinWindowRate: r.withinWindowRate,
          maxMs: r.maxMs,
          p50Ms: inBand(r.p50Ms, sorted, 0.5),
          p90Ms: inBand(r.p90Ms, sorted, 0.9),
        };
      }),
    ).toEqual(
      byTrigger(measured).map((t) => ({
        triggerId: t.triggerId,
        firings: t.latency.measured,
        expired: t.latency.expired,
        withinWindowRate: t.latency.withinWindowRate,
        maxMs: t.latency.endToEndMs[t.latency.endToEndMs.length - 1],
        p50Ms: 'within 1 % rank',
        p90Ms: 'within 1 % rank',
      })),
    );
  };

  it('triggerLatency: firings, expired, within-window rate, p50/p90 within 1 % rank, max', async () => {
    await expectLatencyMatchesTruth();
  });

  const expectSuppressionMatchesTruth = async () => {
    interface SuppressionRow {
      triggerId: string;
      sentFirings: number;
      convertedThenTargeted: number;
      convertedInFlight: number;
      capBreaches: number;
    }
    const { suppressionAudit } = await read<{ suppressionAudit: SuppressionRow[] }>(
      `query($from: DateTime!, $to: DateTime!) {
        suppressionAudit(from: $from, to: $to) {
          triggerId sentFirings convertedThenTargeted convertedInFlight capBreaches
        }
      }`,
    );
    expect(byTrigger(suppressionAudit)).toEqual(
      byTrigger(Object.values(truth.triggers)).map((t) => ({
        triggerId: t.triggerId,
        ...t.suppression,
      })),
    );
  };

  it('suppressionAudit: converted-then-targeted, converted in flight, cap breaches', async () => {
    await expectSuppressionMatchesTruth();
  });

  const expectPressureMatchesTruth = async () => {
    interface PressureReport {
      firings: number;
      aboveCap: number;
      doseResponse: { bucket: string; firings: number; overwhelmed: number }[];
    }
    const { messagePressure } = await read<{ messagePressure: PressureReport }>(
      `query($from: DateTime!, $to: DateTime!) {
        messagePressure(from: $from, to: $to) {
          firings aboveCap doseResponse { bucket firings overwhelmed }
        }
      }`,
    );
    expect(messagePressure).toEqual({
      firings: truth.pressure.firings,
      aboveCap: truth.pressure.aboveCap,
      doseResponse: truth.pressure.doseResponse.map((b) => ({
        bucket: b.bucket,
        firings: b.firings,
        overwhelmed: b.overwhelmed,
      })),
    });
  };

  it('messagePressure: firings, above cap and the dose-response curve', async () => {
    await expectPressureMatchesTruth();
  });

  it('triggerLatency from the trend facts: once built, the same checks hold', async () => {
    const { buildTrendFacts } = await read<{ buildTrendFacts: { firings: number } }>(
      'mutation { buildTrendFacts { firings } }',
    );
    expect(buildTrendFacts.firings).toBeGreaterThan(0);
    await expectLatencyMatchesTruth();
  });

  it('suppressionAudit from the trend facts (built above): the same counts', async () => {
    await expectSuppressionMatchesTruth();
  });

  it('guardrails: overwhelmed persons and refunded converting orders by arm', async () => {
    interface GuardrailRow {
      triggerId: string;
      outcomeClass: string;
      treatment: { persons: number; conversions: number };
      holdout: { persons: number; conversions: number };
    }
    const { guardrails } = await read<{ guardrails: GuardrailRow[] }>(
      `query($from: DateTime!, $to: DateTime!) {
        guardrails(from: $from, to: $to) {
          triggerId outcomeClass
          treatment { persons conversions }
          holdout { persons conversions }
        }
      }`,
    );
    const key = (r: GuardrailRow) => `${r.triggerId}\u0000${r.outcomeClass}`;
    expect([...guardrails].sort((a, b) => (key(a) < key(b) ? -1 : 1))).toEqual(
      firedTriggerIds().flatMap((id) => {
        const { treatment, control } = truth.triggers[id].lift;
        return [
          {
            triggerId: id,
            outcomeClass: 'overwhelm',
            treatment: { persons: treatment.persons, conversions: treatment.overwhelmedPersons },
            holdout: { persons: control.persons, conversions: control.overwhelmedPersons },
          },
          {
            triggerId: id,
            outcomeClass: 'regret',
            treatment: {
              persons: treatment.convertingOrders,
              conversions: treatment.refundedOrders,
            },
            holdout: { persons: control.convertingOrders, conversions: control.refundedOrders },
          },
        ];
      }),
    );
  });

  it('consentAudit: non-compliant activations per trigger and the sync lag', async () => {
    interface ConsentAudit {
      nonCompliantActivations: number;
      byTrigger: {
        triggerId: string;
        purpose: string;
        sentFirings: number;
        nonCompliant: number;
      }[];
      syncLagP50Ms: number | null;
      syncLagP90Ms: number | null;
    }
    const { consentAudit } = await read<{ consentAudit: ConsentAudit }>(
      `query($from: DateTime!, $to: DateTime!) {
        consentAudit(from: $from, to: $to) {
          nonCompliantActivations
          byTrigger { triggerId purpose sentFirings nonCompliant }
          syncLagP50Ms syncLagP90Ms
        }
      }`,
    );
    // bySource is left out: it covers consent events recorded in the period, the truth's
    // recordLagsMsBySource every consent event (a documented difference of scope).
    const lags = truth.consent.syncLagsMs;
    expect({ ...consentAudit, byTrigger: byTrigger(consentAudit.byTrigger) }).toEqual({
      nonCompliantActivations: truth.consent.nonCompliantActivations,
      byTrigger: byTrigger(truth.consent.byTrigger),
      // Exact percentiles with linear interpolation between closest ranks (PERCENTILE.INC).
      syncLagP50Ms: expect.closeTo(percentileInc(lags, 0.5), 0),
      syncLagP90Ms: expect.closeTo(percentileInc(lags, 0.9), 0),
    });
  });

  it('messagePressure from the trend facts (built above): the same figures', async () => {
    await expectPressureMatchesTruth();
  });

  it('triggers: the draft lacks what it was planted without, the live ones are ready', async () => {
    interface TriggerRow {
      triggerId: string;
      status: string;
      ready: boolean;
      missing: string[];
    }
    const { triggers } = await gqlData<{ triggers: TriggerRow[] }>(
      api.url,
      key,
      '{ triggers { triggerId status ready missing } }',
    );
    expect(byTrigger(triggers)).toEqual(
      byTrigger(Object.values(truth.triggers)).map((t) => ({
        triggerId: t.triggerId,
        status: t.status,
        ready: t.missingDefinitions.length === 0,
        missing: t.missingDefinitions,
      })),
    );
    const draft = triggers.find((t) => t.triggerId === program.planted.draftTrigger.triggerId);
    expect(draft).toMatchObject({ ready: false, missing: program.planted.draftTrigger.missing });
    expect(
      triggers.filter((t) => liveTriggerIds().includes(t.triggerId)).map((t) => t.ready),
    ).toEqual(liveTriggerIds().map(() => true));
  });
});

/** The interval with each end compared within TOLERANCE. */
function mapNear(interval: Interval): unknown {
  return { estimate: near(interval.estimate), low: near(interval.low), high: near(interval.high) };
}
