// Readiness, maturity, attribution and the person timeline on the demo program: the generated
// program goes in through HTTP as a producer sends it, and every answer read back through GraphQL
// is checked against what was planted or against an independent computation over the same rows.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  type FiringRow,
  type GeneratedProgram,
  type OutcomeRow,
  type TriggerRow,
  DEEPER_PLANTED,
  OVER_TIME_PLANTED,
} from '../libs/demo/index.js';
import { gqlData, graphql, mintKey } from './support/client.js';
import { apiWithPlantedProgram } from './support/planted-truth.js';
import type { ApiProcess } from './support/processes.js';

const SEED = 20_261_007;
const PERSONS = 3_000;
const DAY = 86_400_000;
const HALF_LIFE_MS = DAY;
/** The default success types of docs/design.md §2, for a trigger that names none. */
const DEFAULT_SUCCESS_TYPES = ['conversion', 'purchase', 'signup'];
const MODELS = ['LAST_TOUCH', 'FIRST_TOUCH', 'LINEAR', 'TIME_DECAY'] as const;
type Model = (typeof MODELS)[number];

interface Attribution {
  triggerId: string;
  model: Model;
  conversions: number;
  revenue: number;
  touches: number;
  incrementalConversions: number | null;
}

interface Evidence {
  name: string;
  stage: number;
  value: number;
  threshold: number;
  passed: boolean;
  explanation: string;
}

interface Entry {
  at: string;
  kind: string;
  id: string;
  type: string | null;
  triggerId: string | null;
  arm: string | null;
  skipReason: string | null;
  latencyMs: number | null;
  consentGranted: boolean | null;
}

/** A sent treatment firing of the period with the definition it is measured against. */
interface Touch {
  firing: FiringRow;
  decided: number;
  conversionWindowMs: number;
  successTypes: string[];
}

/**
 * The expected attribution, computed from the generated rows without the code under test
 * (docs/design.md §3): each success outcome reached by at least one sent treatment firing of the
 * period of the same person, of a trigger it is a success of, with decided_at < occurred_at ≤
 * decided_at + C (C and success types of the definition version the firing names), spread over
 * those touches by each model.
 */
function expectedAttribution(program: GeneratedProgram) {
  const from = program.period.from.getTime();
  const to = program.period.to.getTime();
  const versions = new Map<string, TriggerRow>();
  const newest = new Map<string, TriggerRow>();
  for (const definition of program.rows.triggers) {
    const version = definition.version ?? 1;
    versions.set(`${definition.trigger_id}@${version}`, definition);
    const current = newest.get(definition.trigger_id);
    if (current === undefined || (current.version ?? 1) < version) {
      newest.set(definition.trigger_id, definition);
    }
  }
  const touchesOf = new Map<string, Touch[]>();
  for (const firing of program.rows.firings) {
    const decided = Date.parse(firing.decided_at);
    if (firing.arm !== 'treatment' || firing.skip_reason || decided < from || decided >= to) {
      continue;
    }
    const definition =
      versions.get(`${firing.trigger_id}@${firing.trigger_version ?? 0}`) ??
      newest.get(firing.trigger_id);
    const successTypes = definition?.success_types ?? [];
    const touch: Touch = {
      firing,
      decided,
      conversionWindowMs: definition?.conversion_window_ms ?? 7 * DAY,
      successTypes: successTypes.length > 0 ? successTypes : DEFAULT_SUCCESS_TYPES,
    };
    const list = touchesOf.get(firing.person_id) ?? [];
    list.push(touch);
    touchesOf.set(firing.person_id, list);
  }
  const credit = Object.fromEntries(
    MODELS.map((m) => [m, new Map<string, { conversions: number; revenue: number }>()]),
  ) as Record<Model, Map<string, { conversions: number; revenue: number }>>;
  const add = (model: Model, triggerId: string, share: number, value: number) => {
    const current = credit[model].get(triggerId) ?? { conversions: 0, revenue: 0 };
    current.conversions += share;
    current.revenue += share * value;
    credit[model].set(triggerId, current);
  };
  let reached = 0;
  let reachedValue = 0;
  const reachedOutcomes: OutcomeRow[] = [];
  for (const outcome of program.rows.outcomes) {
    const at = Date.parse(outcome.occurred_at);
    const touches = (touchesOf.get(outcome.person_id) ?? [])
      .filter(
        (t) =>
          t.successTypes.includes(outcome.type) &&
          at > t.decided &&
          at <= t.decided + t.conversionWindowMs,
      )
      .sort(
        (a, b) =>
          a.decided - b.decided ||
          (a.firing.firing_id < b.firing.firing_id
            ? -1
            : a.firing.firing_id > b.firing.firing_id
              ? 1
              : 0),
      );
    if (touches.length === 0) {
      continue;
    }
    const value = outcome.value ?? 0;
    reached += 1;
    reachedValue += value;
    reachedOutcomes.push(outcome);
    add('FIRST_TOUCH', touches[0].firing.trigger_id, 1, value);
    add('LAST_TOUCH', touches[touches.length - 1].firing.trigger_id, 1, value);
    const weights = touches.map((t) => 2 ** (-(at - t.decided) / HALF_LIFE_MS));
    const total = weights.reduce((sum, w) => sum + w, 0);
    touches.forEach((t, i) => {
      add('LINEAR', t.firing.trigger_id, 1 / touches.length, value);
      add('TIME_DECAY', t.firing.trigger_id, weights[i] / total, value);
    });
  }
  return { credit, reached, reachedValue, reachedOutcomes };
}

const ATTRIBUTION_QUERY = `query($from: DateTime!, $to: DateTime!, $model: AttributionModel!, $halfLifeMs: Float) {
  attribution(from: $from, to: $to, model: $model, halfLifeMs: $halfLifeMs) {
    triggerId model conversions revenue touches incrementalConversions
  }
}`;

const MATURITY_QUERY = `query($from: DateTime!, $to: DateTime!) {
  maturity(from: $from, to: $to) {
    stage label nextSteps evidence { name stage value threshold passed explanation }
  }
}`;

const DEFINE_TRIGGER = `mutation($input: TriggerInput!) {
  defineTrigger(input: $input) { triggerId version status windowMs ready missing }
}`;

describe('readiness, maturity, attribution and the person timeline on the demo program', () => {
  let program: GeneratedProgram;
  let api: ApiProcess;
  let key: string;
  let period: { from: string; to: string };

  const read = <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> =>
    gqlData<T>(api.url, key, query, { ...period, ...variables });

  beforeAll(async () => {
    ({ program, api, key } = await apiWithPlantedProgram('demo-program', {
      seed: SEED,
      persons: PERSONS,
    }));
    period = { from: program.period.from.toISOString(), to: program.period.to.toISOString() };
  }, 170_000);

  afterAll(async () => {
    await api?.dispose();
  });

  it('triggers: the half-defined draft is not ready; every live trigger is', async () => {
    const { triggers } = await read<{
      triggers: { triggerId: string; status: string; ready: boolean; missing: string[] }[];
    }>('{ triggers { triggerId status ready missing } }');
    const draft = program.planted.draftTrigger;
    expect(triggers.find((t) => t.triggerId === draft.triggerId)).toEqual({
      triggerId: draft.triggerId,
      status: 'draft',
      ready: false,
      missing: draft.missing,
    });
    const live = triggers.filter((t) => t.status === 'live');
    // the program's live triggers and those of its deeper-statistics and over-time blocks
    const blocks = [
      DEEPER_PLANTED.tier.triggerId,
      DEEPER_PLANTED.outliers.triggerId,
      DEEPER_PLANTED.pair.triggerA,
      DEEPER_PLANTED.pair.triggerB,
      DEEPER_PLANTED.small.triggerId,
      OVER_TIME_PLANTED.novelty.triggerId,
      OVER_TIME_PLANTED.delayed.triggerId,
    ];
    expect(live.map((t) => t.triggerId).sort()).toEqual(
      [...program.planted.liveTriggerIds, ...blocks].sort(),
    );
    expect(live.map((t) => [t.triggerId, t.ready, t.missing])).toEqual(
      live.map((t) => [t.triggerId, true, []]),
    );
  });

  it('defineTrigger: keeps drafts, refuses live until ready, numbers versions', async () => {
    const author = await mintKey(api.url, api.adminKey, 'authoring', ['INGEST', 'READ']);
    const define = (input: Record<string, unknown>) =>
      graphql<{ defineTrigger: Record<string, unknown> }>(api.url, author, DEFINE_TRIGGER, {
        input,
      });
    const draft = await define({ triggerId: 'welcome-push', name: 'Welcome', channel: 'push' });
    expect(draft.data?.defineTrigger).toEqual({
      triggerId: 'welcome-push',
      version: 1,
      status: 'draft',
      windowMs: null,
      ready: false,
      missing: ['signal', 'audience', 'surface', 'window', 'suppression', 'success'],
    });
    const complete = {
      triggerId: 'welcome-push',
      name: 'Welcome',
      channel: 'push',
      surface: 'lock_screen',
      audience: 'new_accounts',
      signalTypes: ['account_created'],
      windowMs: 600_000,
      successTypes: ['signup'],
      guardrailTypes: ['opt_out'],
      holdoutPct: 0.2,
      frequencyCap: { max: 1, perMs: DAY },
      suppression: { convertedLookbackMs: DAY },
      consentPurpose: 'push_notifications',
    };
    const refused = await define({ ...complete, audience: null, status: 'LIVE' });
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.message).toBe(
      'trigger welcome-push cannot go live: it lacks audience (define them, or save it as a draft)',
    );
    const live = await define({ ...complete, status: 'LIVE' });
    expect(live.data?.defineTrigger).toMatchObject({ version: 2, status: 'live', ready: true });
    const versions = await gqlData<{ triggerVersions: { version: number; ready: boolean }[] }>(
      api.url,
      author,
      '{ triggerVersions(triggerId: "welcome-push") { version ready } }',
    );
    expect(versions.triggerVersions).toEqual([
      { version: 2, ready: true },
      { version: 1, ready: false },
    ]);
    // a mistyped id is refused as the measures refuse one, not answered as a trigger never defined
    const mistyped = '{ triggerVersions(triggerId: "welcome-psh") { version } }';
    expect((await graphql(api.url, author, mistyped)).errors?.[0]).toMatchObject({
      message:
        "triggerId: no trigger 'welcome-psh' here: no definition and no firing of the tenant has that id; did you mean 'welcome-push'?",
      extensions: { code: 'BAD_USER_INPUT', causewayCode: 'TRIGGERS_UNKNOWN_TRIGGER' },
    });
    // a read-only key may not define triggers
    const reader = await mintKey(api.url, api.adminKey, 'authoring', ['READ']);
    const forbidden = await graphql(api.url, reader, DEFINE_TRIGGER, { input: complete });
    expect(forbidden.errors?.[0]?.extensions?.causewayCode).toBe('AUTH_FORBIDDEN');
  });

  it('maturity: the planted failures keep the program below stage 4, and say so', async () => {
    const { maturity } = await read<{
      maturity: { stage: number; label: string; nextSteps: string[]; evidence: Evidence[] };
    }>(MATURITY_QUERY);
    expect(maturity.stage).toBeLessThan(4);
    const evidence = Object.fromEntries(maturity.evidence.map((e) => [e.name, e]));
    // planted: suppression failures and consent violations on every live trigger
    expect(evidence.suppression_failure_rate.passed).toBe(false);
    expect(evidence.consent_violations.passed).toBe(false);
    // the evidence is the other measures' numbers
    const audits = await read<{
      consentAudit: { nonCompliantActivations: number };
      suppressionAudit: {
        sentFirings: number;
        convertedThenTargeted: number;
        convertedInFlight: number;
        capBreaches: number;
      }[];
    }>(`query($from: DateTime!, $to: DateTime!) {
      consentAudit(from: $from, to: $to) { nonCompliantActivations }
      suppressionAudit(from: $from, to: $to) { sentFirings convertedThenTargeted convertedInFlight capBreaches }
    }`);
    expect(evidence.consent_violations.value).toBe(audits.consentAudit.nonCompliantActivations);
    const sum = (f: (r: (typeof audits.suppressionAudit)[number]) => number) =>
      audits.suppressionAudit.reduce((total, r) => total + f(r), 0);
    expect(evidence.suppression_failure_rate.value).toBeCloseTo(
      sum((r) => r.convertedThenTargeted + r.convertedInFlight + r.capBreaches) /
        sum((r) => r.sentFirings),
      12,
    );
    // the behavioral triggers arm most firings: the program is past stage 1
    expect(evidence.behavioral_firing_share.passed).toBe(true);
    expect(maturity.stage).toBeGreaterThanOrEqual(2);
    // every failing piece above the stage reached has a next step
    expect(maturity.nextSteps.length).toBeGreaterThan(0);
    expect(maturity.nextSteps.some((s) => s.startsWith('Enforce suppression'))).toBe(true);
    expect(maturity.nextSteps.some((s) => s.startsWith('Check consent'))).toBe(true);
  });

  it('one verdict everywhere: the broken split and thin holdouts say so in every measure', async () => {
    const srmIds = program.planted.srmTriggers.map((s) => s.triggerId);
    expect(srmIds).toContain('onboarding-in-app');
    const answers = await read<{
      liftReport: { triggerId: string; verdict: string }[];
      guardrails: {
        triggerId: string;
        outcomeClass: string;
        verdict: string;
        caveat: string | null;
      }[];
      attribution: { triggerId: string; caveat: string | null; liftVerdict: string | null }[];
      maturity: { label: string; nextSteps: string[]; evidence: Evidence[] };
    }>(`query OneVerdict($from: DateTime!, $to: DateTime!) {
      liftReport(from: $from, to: $to) { triggerId verdict }
      guardrails(from: $from, to: $to) { triggerId outcomeClass verdict caveat }
      attribution(from: $from, to: $to, model: LAST_TOUCH) { triggerId caveat liftVerdict }
      maturity(from: $from, to: $to) { label nextSteps evidence { name stage value threshold passed explanation } }
    }`);
    const caveatOf = (verdict: string) =>
      /^(holdout share changed|SRM: do not trust|too little data)/.test(verdict) ? verdict : null;
    for (const id of srmIds) {
      const lift = answers.liftReport.find((r) => r.triggerId === id)!;
      expect(lift.verdict).toMatch(/^SRM: do not trust/);
      // guardrails: both harm-side rows rest on the same split
      const guards = answers.guardrails.filter((r) => r.triggerId === id);
      expect(guards.map((r) => r.outcomeClass)).toEqual(['overwhelm', 'regret']);
      for (const row of guards) {
        expect([row.outcomeClass, row.caveat, row.verdict]).toEqual([
          row.outcomeClass,
          lift.verdict,
          lift.verdict,
        ]);
      }
      // maturity: the holdout evidence names the trigger with the same words
      const coverage = answers.maturity.evidence.find((e) => e.name === 'holdout_coverage')!;
      expect(coverage.explanation).toContain(`${id} (${lift.verdict})`);
    }
    // attribution's incremental figures carry the lift's caveat, and only where it applies
    for (const row of answers.attribution) {
      const lift = answers.liftReport.find((r) => r.triggerId === row.triggerId);
      expect([row.triggerId, row.caveat]).toEqual([
        row.triggerId,
        lift === undefined ? null : caveatOf(lift.verdict),
      ]);
    }
    expect(answers.attribution.some((r) => r.caveat?.startsWith('SRM: do not trust'))).toBe(true);
    // the label names only what fails; the consent step says what the evidence shows
    const latencyPasses = answers.maturity.evidence
      .filter((e) => e.stage === 3 && /within_window/.test(e.name))
      .every((e) => e.passed);
    if (latencyPasses) {
      expect(answers.maturity.label).not.toContain('fast');
    }
    expect(answers.maturity.nextSteps.join(' ')).not.toContain('refused');
  });

  it('refuses a mistyped trigger id of a list measure, naming the one it most likely means', async () => {
    const mistyped = await graphql(
      api.url,
      key,
      `
        query ($from: DateTime!, $to: DateTime!) {
          liftReport(
            from: $from
            to: $to
            triggerIds: ["cart-recovery-email", "cart-recovry-email"]
          ) {
            triggerId
          }
        }
      `,
      period,
    );
    expect(mistyped.status).toBe(400);
    expect(mistyped.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(mistyped.errors?.[0]?.message).toBe(
      "triggerIds: no trigger 'cart-recovry-email' (did you mean 'cart-recovery-email'?) here: " +
        'no definition and no firing of the tenant has that id',
    );
    // each list measure asks the same
    for (const measure of ['guardrails', 'suppressionAudit', 'triggerLatency', 'triggerTrend']) {
      const answer = await graphql(
        api.url,
        key,
        `query($from: DateTime!, $to: DateTime!) {
          ${measure}(from: $from, to: $to, triggerIds: ["cart-recovry-email"]) { triggerId }
        }`,
        period,
      );
      expect([measure, answer.status]).toEqual([measure, 400]);
    }
  });

  it('attribution: every model distributes the success outcomes that follow a sent firing', async () => {
    const expected = expectedAttribution(program);
    expect(expected.reached).toBeGreaterThan(100);
    const { liftReport } = await read<{
      liftReport: { triggerId: string; incrementalConversions: { estimate: number } | null }[];
    }>(`query($from: DateTime!, $to: DateTime!) {
      liftReport(from: $from, to: $to) { triggerId incrementalConversions { estimate } }
    }`);
    for (const model of MODELS) {
      const { attribution } = await read<{ attribution: Attribution[] }>(ATTRIBUTION_QUERY, {
        model,
        halfLifeMs: HALF_LIFE_MS,
      });
      const total = attribution.reduce((sum, r) => sum + r.conversions, 0);
      const revenue = attribution.reduce((sum, r) => sum + r.revenue, 0);
      expect([model, total]).toEqual([model, expect.closeTo(expected.reached, 6)]);
      expect([model, revenue]).toEqual([model, expect.closeTo(expected.reachedValue, 4)]);
      for (const row of attribution) {
        const own = expected.credit[model].get(row.triggerId) ?? { conversions: 0, revenue: 0 };
        expect([model, row.triggerId, row.conversions, row.revenue]).toEqual([
          model,
          row.triggerId,
          expect.closeTo(own.conversions, 6),
          expect.closeTo(own.revenue, 4),
        ]);
        // the holdout's estimate beside the credit is liftReport's
        const lift = liftReport.find((l) => l.triggerId === row.triggerId);
        expect([row.triggerId, row.incrementalConversions]).toEqual([
          row.triggerId,
          lift?.incrementalConversions?.estimate ?? null,
        ]);
      }
      expect(attribution.map((r) => r.triggerId).sort()).toEqual(
        [
          ...new Set([...expected.credit[model].keys(), ...liftReport.map((l) => l.triggerId)]),
        ].sort(),
      );
    }
  });

  it('personTimeline: one person, every stream, in time order', async () => {
    // a person with a sent firing that led to a success outcome
    const person = expectedAttribution(program).reachedOutcomes[0].person_id;
    const { personTimeline } = await gqlData<{ personTimeline: Entry[] }>(
      api.url,
      key,
      `query($personId: ID!) {
        personTimeline(personId: $personId, limit: 10000) {
          at kind id type triggerId arm skipReason latencyMs consentGranted
        }
      }`,
      { personId: person },
    );
    const rows = program.rows;
    const firingIds = new Set(
      rows.firings.filter((f) => f.person_id === person).map((f) => f.firing_id),
    );
    const expectedIds = {
      signal: rows.signals.filter((s) => s.person_id === person).map((s) => s.event_id),
      firing: [...firingIds],
      exposure: rows.exposures
        .filter((e) => firingIds.has(e.firing_id))
        .map((e) => e.event_id ?? ''),
      outcome: rows.outcomes.filter((o) => o.person_id === person).map((o) => o.outcome_id),
      consent: rows.consent.filter((c) => c.person_id === person).map((c) => c.event_id ?? ''),
    };
    for (const [kind, ids] of Object.entries(expectedIds)) {
      expect([
        kind,
        personTimeline
          .filter((e) => e.kind === kind)
          .map((e) => e.id)
          .sort(),
      ]).toEqual([kind, [...ids].sort()]);
    }
    const times = personTimeline.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const entry of personTimeline.filter((e) => e.kind === 'firing')) {
      const firing = rows.firings.find((f) => f.firing_id === entry.id)!;
      expect([entry.id, entry.at, entry.triggerId, entry.arm, entry.skipReason]).toEqual([
        firing.firing_id,
        new Date(firing.decided_at).toISOString(),
        firing.trigger_id,
        firing.arm,
        firing.skip_reason ?? null,
      ]);
      // every demo trigger names a consent purpose, and every demo firing has a signal time
      expect(typeof entry.consentGranted).toBe('boolean');
      expect(entry.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });
});
