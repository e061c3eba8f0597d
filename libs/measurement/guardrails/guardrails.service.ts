import { Injectable } from '@nestjs/common';
import { compareProportions, sequentialLift, significanceLevel } from '../../stats/index.js';
import { ClickHouseService } from '../../storage/index.js';
import { REGRET_WINDOW_MS, outcomeClassesOf } from '../common/outcome-classes.js';
import { toPeriod } from '../common/period.js';
import {
  buildLiftRows,
  holdoutCaveat,
  MIN_PERSONS_PER_ARM,
  plannedPersonsFor,
  pointsInterval,
} from '../lift/lift.calculator.js';
import { queryHoldoutSharesInPeriod } from '../lift/holdout-shares.query.js';
import type { ArmStats, SrmCheck } from '../lift/models/lift.model.js';
import { queryGuardrails, type RegretRow } from './guardrails.query.js';
import type { GuardrailLift } from './models/guardrail-lift.model.js';

const count = (n: number) => n.toLocaleString('en-US');

type GuardrailFigures = Omit<GuardrailLift, 'verdict' | 'caveat'>;

/**
 * Why a harm-side row cannot be trusted or read, or null: a broken split (the SRM of the trigger's
 * persons, the same check as its lift), a split drawn with several holdout shares or a trigger
 * that declares no holdout first, then too few units in an arm.
 */
export function guardrailCaveat(
  row: GuardrailFigures,
  unit: string,
  srm: SrmCheck | undefined,
): string | null {
  const noHoldout = srm?.expectedHoldoutShare === 0 && row.holdout.persons === 0;
  if (srm !== undefined && (srm.flagged || srm.sharesInPeriod.length > 0 || noHoldout)) {
    return holdoutCaveat({ srm, treatment: row.treatment, holdout: row.holdout });
  }
  const smaller = Math.min(row.treatment.persons, row.holdout.persons);
  if (smaller < MIN_PERSONS_PER_ARM) {
    return `too little data: ${smaller} ${unit} in the smaller arm (at least ${MIN_PERSONS_PER_ARM} needed)`;
  }
  return null;
}

/** Plain words for a harm-side row: only a significant increase is called harm. */
export function guardrailVerdict(
  row: GuardrailFigures,
  unit: string,
  srm?: SrmCheck,
): Pick<GuardrailLift, 'verdict' | 'caveat'> {
  const caveat = guardrailCaveat(row, unit, srm);
  return { caveat, verdict: caveat ?? figureVerdict(row, unit) };
}

function figureVerdict(row: GuardrailFigures, unit: string): string {
  const lift = row.absoluteLift;
  if (lift === null) {
    return 'no estimate: an arm is empty';
  }
  if (row.treatment.conversions === 0 && row.holdout.conversions === 0) {
    // both rates are 0, so the interval collapses to [0, 0]: printed, it would read as a
    // difference measured to be exactly nothing, where there was nothing to compare
    return `no ${row.outcomeClass} in either arm (${count(row.treatment.persons)} and ${count(row.holdout.persons)} ${unit}): no detectable ${row.outcomeClass} effect`;
  }
  const text = pointsInterval(lift);
  if (lift.low > 0) {
    return `${text}, harm: more ${row.outcomeClass} than without the trigger`;
  }
  if (lift.high < 0) {
    return `${text}, less ${row.outcomeClass} than without the trigger`;
  }
  return `${text}, no detectable ${row.outcomeClass} effect`;
}

function arm(persons: number, events: number): ArmStats {
  return {
    persons,
    conversions: events,
    rate: persons === 0 ? 0 : events / persons,
    revenue: 0,
    revenuePerPerson: 0,
  };
}

/**
 * Regret lift per trigger from its converting orders; with sequential intervals, each trigger's
 * t* is `plannedN(triggerId)`, fixed in advance like lift's.
 */
function regretRows(
  rows: RegretRow[],
  confidence: number,
  plannedN: (triggerId: string) => number | null,
  srmOf: ReadonlyMap<string, SrmCheck>,
): GuardrailLift[] {
  const byTrigger = new Map<string, { t: [number, number]; c: [number, number] }>();
  for (const row of rows) {
    const entry = byTrigger.get(row.trigger_id) ?? { t: [0, 0], c: [0, 0] };
    const side = row.arm === 'treatment' ? entry.t : entry.c;
    side[0] += row.orders;
    side[1] += row.regretted;
    byTrigger.set(row.trigger_id, entry);
  }
  return [...byTrigger.entries()].map(([triggerId, { t, c }]) => {
    const fixed =
      t[0] > 0 && c[0] > 0
        ? compareProportions({ n: t[0], x: t[1] }, { n: c[0], x: c[1] }, confidence)
        : null;
    // always-valid intervals (alerts read guardrails again and again): same estimates, wider bands
    const planned = plannedN(triggerId);
    const comparison =
      fixed !== null && planned !== null
        ? {
            ...fixed,
            ...sequentialLift(fixed, t[0] + c[0], {
              alpha: significanceLevel(confidence),
              plannedN: planned,
            }),
          }
        : fixed;
    const row = {
      triggerId,
      outcomeClass: 'regret',
      treatment: arm(t[0], t[1]),
      holdout: arm(c[0], c[1]),
      absoluteLift: comparison?.absolute ?? null,
      relativeLift: comparison?.relative ?? null,
      pValue: comparison?.pValue ?? null,
    };
    return { ...row, ...guardrailVerdict(row, 'converting orders', srmOf.get(triggerId)) };
  });
}

@Injectable()
export class GuardrailsService {
  constructor(private readonly clickhouse: ClickHouseService) {}

  /**
   * Overwhelm and regret lift per trigger over [from, to); `sequential` gives always-valid
   * intervals and p-values (the alert rules, which are evaluated again and again).
   */
  async report(
    tenantId: string,
    from: Date,
    to: Date,
    triggerIds: string[] = [],
    options: { sequential?: boolean; defaultPlannedPersons?: number } = {},
  ): Promise<GuardrailLift[]> {
    const sequential = options.sequential ?? false;
    const { defaultPlannedPersons } = options;
    const period = toPeriod(from, to);
    const confidence = 0.95;
    const classes = await outcomeClassesOf(this.clickhouse, tenantId);
    const [{ overwhelm: overwhelmSums, regret }, sharesDrawn] = await Promise.all([
      queryGuardrails(this.clickhouse, {
        tenantId,
        ...period.params,
        triggerIds,
        ...classes,
        regretWindowMs: REGRET_WINDOW_MS,
      }),
      queryHoldoutSharesInPeriod(this.clickhouse, { tenantId, ...period.params, triggerIds }),
    ]);
    const overwhelmLifts = buildLiftRows(overwhelmSums, {
      sharesDrawn,
      groupByVariant: false,
      confidence,
      cuped: false,
      sequential,
      defaultPlannedPersons,
    });
    const srmOf = new Map(overwhelmLifts.map((lift) => [lift.triggerId, lift.srm]));
    const overwhelm = overwhelmLifts.map((lift) => {
      const row = {
        triggerId: lift.triggerId,
        outcomeClass: 'overwhelm',
        treatment: { ...lift.treatment, revenue: 0, revenuePerPerson: 0 },
        holdout: { ...lift.holdout, revenue: 0, revenuePerPerson: 0 },
        absoluteLift: lift.absoluteLift,
        relativeLift: lift.relativeLift,
        pValue: lift.pValue,
      };
      return { ...row, ...guardrailVerdict(row, 'persons', lift.srm) };
    });
    // regret's t* is the trigger's own (its definition's planned persons, else the default)
    const planned = new Map(overwhelmSums.map((row) => [row.trigger_id, row.planned_persons]));
    const plannedN = (triggerId: string) =>
      plannedPersonsFor(planned.get(triggerId) ?? null, { sequential, defaultPlannedPersons });
    return [...overwhelm, ...regretRows(regret, confidence, plannedN, srmOf)].sort(
      (a, b) =>
        a.triggerId.localeCompare(b.triggerId) || a.outcomeClass.localeCompare(b.outcomeClass),
    );
  }
}
