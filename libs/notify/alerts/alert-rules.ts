import {
  pointsText,
  pValueText,
  type ConsentAudit,
  type FreshnessStats,
  type GuardrailLift,
  type LatencyStats,
  type TriggerLift,
} from '../../measurement/index.js';
import {
  formatDateTime,
  formatDuration,
  formatInteger,
  formatPercent,
} from '../../reports/index.js';
import { SRM_P_THRESHOLD } from '../../stats/index.js';
import { AlertKind } from './alert-kind.js';

/** Thresholds of the rules (docs/design.md §8), named once. */
export const ALERT_THRESHOLDS = {
  /** Fewer persons in an arm, or converters, is too little data for a gain or a loss (§3.8). */
  minPersonsPerArm: 100,
  minConversionsPerArm: 5,
  /** LATENCY_OUT_OF_WINDOW: within-window rate under this over the last day … */
  minWithinWindowRate: 0.9,
  /** … of at least this many sent firings. */
  minLatencyFirings: 100,
  /** REJECTED_ROWS: over this share of a stream's lines in the last hour … */
  maxRejectedShare: 0.01,
  /** … of at least this many lines. */
  minStreamLines: 100,
} as const;

/** A condition an evaluation found: one per (kind, subject). */
export interface Finding {
  kind: AlertKind;
  /** The trigger, or null for a tenant-wide alert (REJECTED_ROWS, DIGEST_NOT_SENT). */
  triggerId: string | null;
  /** What the alert is about: the trigger id, the stream, or `digest`. */
  subject: string;
  summary: string;
  evidence: Record<string, unknown>;
}

/** Lines and rejections of one stream in the last hour. */
export interface StreamLines {
  stream: string;
  accepted: number;
  rejected: number;
}

/** What the rules read: the existing measures over the rules' periods. */
export interface AlertInputs {
  /** liftReport over the lookback, sequential intervals, one row per trigger. */
  lift: TriggerLift[];
  /** guardrails over the lookback, sequential intervals. */
  guardrails: GuardrailLift[];
  /** consentAudit over the last day. */
  consent: ConsentAudit;
  /** triggerLatency over the last day, per trigger. */
  latency: LatencyStats[];
  /** signalFreshness over the last day. */
  freshness: FreshnessStats[];
  /** Lines per stream received in the last hour. */
  streams: StreamLines[];
  /** The digest's last failed send by then, when no send succeeded after it; else null. */
  digestFailure: { failedAt: Date; kind?: string } | null;
}

const interval = (lift: { estimate: number; low: number; high: number }) =>
  `${pointsText(lift.estimate)} [${pointsText(lift.low)}, ${pointsText(lift.high)}]`;

/**
 * Said after an interval of a lift rule: the rules read sequential intervals, which the linked
 * report (fixed-period intervals) does not print, so a reader comparing the two is told why they
 * differ.
 */
const ALWAYS_VALID =
  'against its holdout (an always-valid interval, which the report does not print)';

/**
 * How old a signal type is when it can act: its lag, and a prediction's model input age, each
 * written apart from the window they are read against.
 */
function staleness(row: FreshnessStats, windowMs: number): string {
  const input =
    row.inputAgeP90Ms === null
      ? ''
      : `, on model input ${formatDuration(row.inputAgeP90Ms, windowMs)} old`;
  const from = row.source === '' ? '' : ` from ${row.source}`;
  return `${row.type}${from} arrives ${formatDuration(row.lagP90Ms, windowMs)} after it occurred${input}`;
}

function enoughData(row: TriggerLift): boolean {
  return [row.treatment, row.holdout].every(
    (arm) =>
      arm.persons >= ALERT_THRESHOLDS.minPersonsPerArm &&
      arm.conversions >= ALERT_THRESHOLDS.minConversionsPerArm,
  );
}

function liftFindings(rows: TriggerLift[]): Finding[] {
  const found: Finding[] = [];
  for (const row of rows.filter((r) => r.variant === null)) {
    const evidence = {
      treatment: row.treatment,
      holdout: row.holdout,
      absoluteLift: row.absoluteLift,
      pValue: row.pValue,
      srm: row.srm,
    };
    const base = { triggerId: row.triggerId, subject: row.triggerId, evidence };
    if (row.srm.flagged) {
      const observed = row.srm.observedHoldoutShare ?? 0;
      const expected = row.srm.expectedHoldoutShare ?? 0;
      found.push({
        ...base,
        kind: AlertKind.SRM,
        summary: `${row.triggerId}: holdout share ${formatPercent(observed, 1, [expected])} where ${formatPercent(expected)} was declared (SRM ${pValueText(row.srm.pValue ?? 0, SRM_P_THRESHOLD)}); its lift is not to be trusted`,
      });
      // a broken split makes any lift untrustworthy: no gain or loss is claimed on it
      continue;
    }
    const lift = row.absoluteLift;
    // nor on arms drawn with several holdout shares over the period (its verdict says why)
    if (lift === null || !enoughData(row) || row.srm.sharesInPeriod.length > 0) {
      continue;
    }
    if (lift.low > 0) {
      found.push({
        ...base,
        kind: AlertKind.SIGNIFICANT_GAIN,
        summary: `${row.triggerId} works: conversion ${interval(lift)} ${ALWAYS_VALID}`,
      });
    } else if (lift.high < 0) {
      found.push({
        ...base,
        kind: AlertKind.LOSS,
        summary: `${row.triggerId} loses conversions: ${interval(lift)} ${ALWAYS_VALID}`,
      });
    }
  }
  return found;
}

function harmFindings(rows: GuardrailLift[]): Finding[] {
  const byTrigger = new Map<string, GuardrailLift[]>();
  for (const row of rows) {
    const smaller = Math.min(row.treatment.persons, row.holdout.persons);
    // a caveated row (a broken split, too little data) is no evidence of harm, as the report reads it
    if (
      (row.caveat ?? null) === null &&
      row.absoluteLift !== null &&
      row.absoluteLift.low > 0 &&
      smaller >= ALERT_THRESHOLDS.minPersonsPerArm
    ) {
      byTrigger.set(row.triggerId, [...(byTrigger.get(row.triggerId) ?? []), row]);
    }
  }
  return [...byTrigger.entries()].map(([triggerId, harmful]) => ({
    kind: AlertKind.HARM,
    triggerId,
    subject: triggerId,
    summary: `${triggerId} harms: ${harmful
      .map((r) => `${r.outcomeClass} ${interval(r.absoluteLift!)}`)
      .join(', ')} ${ALWAYS_VALID}`,
    evidence: { guardrails: harmful },
  }));
}

function dayFindings(inputs: AlertInputs): Finding[] {
  const found: Finding[] = [];
  for (const row of inputs.consent.byTrigger.filter((r) => r.nonCompliant > 0)) {
    found.push({
      kind: AlertKind.CONSENT_VIOLATION,
      triggerId: row.triggerId,
      subject: row.triggerId,
      summary: `${row.triggerId}: ${formatInteger(row.nonCompliant)} of ${formatInteger(row.sentFirings)} messages in the last day went to persons without ${row.purpose} consent`,
      evidence: { ...row },
    });
  }
  for (const row of inputs.latency) {
    const rate = row.withinWindowRate;
    if (
      rate !== null &&
      row.firings >= ALERT_THRESHOLDS.minLatencyFirings &&
      rate < ALERT_THRESHOLDS.minWithinWindowRate
    ) {
      found.push({
        kind: AlertKind.LATENCY_OUT_OF_WINDOW,
        triggerId: row.triggerId,
        subject: row.triggerId,
        summary: `${row.triggerId}: ${formatPercent(rate, 1, [ALERT_THRESHOLDS.minWithinWindowRate])} of ${formatInteger(row.firings)} sends in the last day acted within the ${formatDuration(row.windowMs ?? 0)} window`,
        evidence: { ...row },
      });
    }
  }
  // Each trigger's window, as the freshness rows that exceed it give it.
  const stale = new Map<string, { windowMs: number; rows: FreshnessStats[] }>();
  for (const row of inputs.freshness) {
    for (const { triggerId, windowMs } of row.exceededWindows) {
      stale.set(triggerId, { windowMs, rows: [...(stale.get(triggerId)?.rows ?? []), row] });
    }
  }
  for (const [triggerId, { windowMs, rows }] of stale) {
    found.push({
      kind: AlertKind.STALE_SIGNALS,
      triggerId,
      subject: triggerId,
      summary: `${triggerId}: ${rows.map((row) => staleness(row, windowMs)).join('; ')} (p90 of the last day), older than its ${formatDuration(windowMs)} window`,
      evidence: { signals: rows },
    });
  }
  return found;
}

function streamFindings(streams: StreamLines[]): Finding[] {
  return streams
    .filter((s) => {
      const lines = s.accepted + s.rejected;
      return (
        lines >= ALERT_THRESHOLDS.minStreamLines &&
        s.rejected / lines > ALERT_THRESHOLDS.maxRejectedShare
      );
    })
    .map((s) => ({
      kind: AlertKind.REJECTED_ROWS,
      triggerId: null,
      subject: s.stream,
      summary: `${s.stream}: ${formatInteger(s.rejected)} of ${formatInteger(s.accepted + s.rejected)} lines rejected in the last hour`,
      evidence: { ...s, rejectedShare: s.rejected / (s.accepted + s.rejected) },
    }));
}

/** Where a digest's failure is read in full. */
const DIGEST_RECORD = "the digest's lastError (read with a key of the tenant)";

function digestFindings(failure: AlertInputs['digestFailure']): Finding[] {
  if (failure === null) {
    return [];
  }
  return [
    {
      kind: AlertKind.DIGEST_NOT_SENT,
      triggerId: null,
      subject: 'digest',
      // what failed, not the error's text: a mail server's refusal quotes the staff's addresses,
      // which the digest's own record keeps for the tenant's keys
      summary:
        failure.kind === undefined
          ? `the digest was not sent at ${formatDateTime(failure.failedAt)}; ${DIGEST_RECORD} says why`
          : `the digest was not sent at ${formatDateTime(failure.failedAt)}: ${failure.kind}; ${DIGEST_RECORD} has the details`,
      evidence: { failedAt: failure.failedAt.toISOString(), kind: failure.kind ?? null },
    },
  ];
}

/** Every condition the nine rules find in the measures, one per (kind, subject). */
export function findAlerts(inputs: AlertInputs): Finding[] {
  return [
    ...liftFindings(inputs.lift),
    ...harmFindings(inputs.guardrails),
    ...dayFindings(inputs),
    ...streamFindings(inputs.streams),
    ...digestFindings(inputs.digestFailure),
  ];
}
