import type { z } from 'zod';
import { fastPath } from './fast-path.js';
import { contentHashOfColumns, derivedId } from './hashing.js';
import { schemasFor, type StreamSchemas } from './schemas.js';
import type { StreamName } from './streams.js';
import { clampFuture, correctSkew, MIN_TIME_MS, storageTime } from './timestamps.js';
import type { LineResult, RowError, ValidationContext, ValidRow } from './types.js';

/** `RowError.field` when the line as a whole is unreadable (not JSON, not an object). */
export const WHOLE_LINE = '(line)';

/** Default `triggers.conversion_window_ms`: 7 days (DESIGN §2). */
export const DEFAULT_CONVERSION_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/** Columns left out of the content hash: they depend on when a copy arrived, not on what it says. */
const ARRIVAL_COLUMNS = new Set(['received_at', 'skew_corrected', 'future_clamped']);

type Data<S extends StreamName> = z.output<StreamSchemas[S]>;
type Problem = { field: string; message: string };
type Built = { id: string; row: Record<string, unknown>; asSent?: Record<string, unknown> };

function time(ms: number): string {
  return storageTime(ms);
}

function timeOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : storageTime(ms);
}

// Every row of a request shares one received_at; formatting it once saves a Date per row.
let lastReceived = { ms: Number.NaN, text: '' };
function receivedText(ms: number): string {
  if (lastReceived.ms !== ms) {
    lastReceived = { ms, text: storageTime(ms) };
  }
  return lastReceived.text;
}

/** An event time as stored, and as sent when a correction changed it (for the content hash). */
function eventTimes(sentMs: number, storedMs: number): { stored: string; asSent: string } {
  const asSent = time(sentMs);
  return { asSent, stored: storedMs === sentMs ? asSent : time(storedMs) };
}

// The hashed columns of each stream in sorted order, computed from its first row: every row of a
// stream has the same columns.
const hashedColumns = new Map<StreamName, string[]>();

function hashedColumnsOf(stream: StreamName, row: Record<string, unknown>): string[] {
  let columns = hashedColumns.get(stream);
  if (columns === undefined) {
    columns = Object.keys(row)
      .filter((column) => !ARRIVAL_COLUMNS.has(column))
      .sort();
    hashedColumns.set(stream, columns);
  }
  return columns;
}

/**
 * Seals a row: the content hash covers what the producer sent (event times as given, before skew
 * correction or clamping) and not when it arrived, so a retried copy hashes the same and a copy
 * that says something else does not. `content_hash` is the last column of every table.
 */
function seal(stream: StreamName, { id, row, asSent }: Built): ValidRow {
  const contentHash = contentHashOfColumns(hashedColumnsOf(stream, row), row, asSent);
  row.content_hash = contentHash;
  return { id, contentHash, row };
}

function signalRow(d: Data<'signals'>, ctx: ValidationContext): Built | Problem {
  const skewCorrected = d.sent_at !== null && d.sent_at !== undefined;
  const corrected = skewCorrected
    ? correctSkew(d.occurred_at, d.sent_at!, ctx.receivedAt)
    : d.occurred_at;
  const occurred = clampFuture(corrected, ctx.receivedAt);
  if (occurred.ms < MIN_TIME_MS) {
    return {
      field: 'occurred_at',
      message:
        'falls before 2000 after clock-skew correction (received_at − (sent_at − occurred_at)); check sent_at',
    };
  }
  const occurredAt = eventTimes(d.occurred_at, occurred.ms);
  return {
    id: d.event_id,
    row: {
      tenant_id: ctx.tenantId,
      event_id: d.event_id,
      person_id: d.person_id,
      type: d.type,
      kind: d.kind ?? 'behavioral',
      source: d.source ?? '',
      session_id: d.session_id ?? '',
      occurred_at: occurredAt.stored,
      sent_at: timeOrNull(d.sent_at),
      computed_at: timeOrNull(d.computed_at),
      received_at: receivedText(ctx.receivedAt),
      properties: d.properties ?? '{}',
      skew_corrected: skewCorrected,
      future_clamped: occurred.clamped,
    },
    asSent: { occurred_at: occurredAt.asSent },
  };
}

function triggerRow(d: Data<'triggers'>, ctx: ValidationContext): Built {
  const version = d.version ?? 1;
  return {
    id: `${d.trigger_id}@${version}`,
    row: {
      tenant_id: ctx.tenantId,
      trigger_id: d.trigger_id,
      version,
      name: d.name,
      channel: d.channel,
      surface: d.surface ?? '',
      audience: d.audience ?? '',
      signal_types: d.signal_types,
      window_ms: d.window_ms,
      success_types: d.success_types,
      conversion_window_ms: d.conversion_window_ms ?? DEFAULT_CONVERSION_WINDOW_MS,
      guardrail_types: d.guardrail_types ?? [],
      holdout_pct: d.holdout_pct ?? null,
      frequency_cap_max: d.frequency_cap?.max ?? null,
      frequency_cap_per_ms: d.frequency_cap?.per_ms ?? null,
      suppression_converted_lookback_ms: d.suppression?.converted_lookback_ms ?? null,
      consent_purpose: d.consent_purpose ?? '',
      status: d.status ?? 'draft',
      received_at: receivedText(ctx.receivedAt),
    },
  };
}

function firingRow(d: Data<'firings'>, ctx: ValidationContext): Built {
  const decided = clampFuture(d.decided_at, ctx.receivedAt);
  const decidedAt = eventTimes(d.decided_at, decided.ms);
  return {
    id: d.firing_id,
    row: {
      tenant_id: ctx.tenantId,
      firing_id: d.firing_id,
      trigger_id: d.trigger_id,
      // 0 = "not stated" (versions start at 1): the measures then use the trigger's latest version
      // instead of silently binding the firing to version 1.
      trigger_version: d.trigger_version ?? 0,
      person_id: d.person_id,
      decided_at: decidedAt.stored,
      arm: d.arm,
      signal_event_id: d.signal_event_id ?? '',
      signal_at: timeOrNull(d.signal_at),
      dispatched_at: timeOrNull(d.dispatched_at),
      channel: d.channel ?? '',
      surface: d.surface ?? '',
      variant: d.variant ?? '',
      skip_reason: d.skip_reason ?? '',
      received_at: receivedText(ctx.receivedAt),
      future_clamped: decided.clamped,
    },
    asSent: { decided_at: decidedAt.asSent },
  };
}

function exposureRow(d: Data<'exposures'>, ctx: ValidationContext): Built {
  const occurred = clampFuture(d.occurred_at, ctx.receivedAt);
  const occurredAt = eventTimes(d.occurred_at, occurred.ms);
  // Derived from the time as sent, not as clamped, so a re-delivery derives the same id.
  const eventId = d.event_id || derivedId('exposures', [d.firing_id, d.type, d.occurred_at]);
  return {
    id: eventId,
    row: {
      tenant_id: ctx.tenantId,
      event_id: eventId,
      firing_id: d.firing_id,
      type: d.type,
      occurred_at: occurredAt.stored,
      rendered_variant: d.rendered_variant ?? '',
      machine: d.machine ?? false,
      received_at: receivedText(ctx.receivedAt),
      future_clamped: occurred.clamped,
    },
    asSent: { occurred_at: occurredAt.asSent },
  };
}

function outcomeRow(d: Data<'outcomes'>, ctx: ValidationContext): Built {
  const occurred = clampFuture(d.occurred_at, ctx.receivedAt);
  const occurredAt = eventTimes(d.occurred_at, occurred.ms);
  return {
    id: d.outcome_id,
    row: {
      tenant_id: ctx.tenantId,
      outcome_id: d.outcome_id,
      person_id: d.person_id,
      type: d.type,
      occurred_at: occurredAt.stored,
      value: d.value ?? null,
      currency: d.currency ?? '',
      order_id: d.order_id ?? '',
      refund_of_order_id: d.refund_of_order_id ?? '',
      channel: d.channel ?? '',
      firing_id: d.firing_id ?? '',
      received_at: receivedText(ctx.receivedAt),
      future_clamped: occurred.clamped,
    },
    asSent: { occurred_at: occurredAt.asSent },
  };
}

function consentRow(d: Data<'consent'>, ctx: ValidationContext): Built {
  const occurred = clampFuture(d.occurred_at, ctx.receivedAt);
  const occurredAt = eventTimes(d.occurred_at, occurred.ms);
  const source = d.source ?? '';
  const eventId =
    d.event_id || derivedId('consent', [d.person_id, d.purpose, d.granted, d.occurred_at, source]);
  return {
    id: eventId,
    row: {
      tenant_id: ctx.tenantId,
      event_id: eventId,
      person_id: d.person_id,
      purpose: d.purpose,
      granted: d.granted,
      occurred_at: occurredAt.stored,
      source,
      recorded_at: timeOrNull(d.recorded_at),
      received_at: receivedText(ctx.receivedAt),
      future_clamped: occurred.clamped,
    },
    asSent: { occurred_at: occurredAt.asSent },
  };
}

function rejected(line: number, field: string, message: string): LineResult {
  const error: RowError = { line, field, message };
  return { ok: false, error };
}

function finish<T>(
  stream: StreamName,
  parsed: z.ZodSafeParseResult<T>,
  line: number,
  build: (data: T) => Built | Problem,
): LineResult {
  if (!parsed.success) {
    // The first issue is the first failing field in schema order (see schemas.ts).
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join('.') : WHOLE_LINE;
    return rejected(line, field, issue?.message ?? 'invalid row');
  }
  return built(stream, line, build(parsed.data));
}

function built(stream: StreamName, line: number, result: Built | Problem): LineResult {
  return 'field' in result
    ? rejected(line, result.field, result.message)
    : { ok: true, value: seal(stream, result) };
}

/**
 * Validates one parsed line of a stream and maps it to its storage row (DESIGN §2 and §5).
 *
 * - Reports the first failing field only, in the order of DESIGN §2's table (required fields first).
 * - Unknown fields are ignored; optional fields may be `null` (= absent).
 * - `tenant_id` is always `ctx.tenantId`; `received_at` is `ctx.receivedAt`.
 * - Signals with `sent_at` get `occurred_at := receivedAt − (sent_at − occurred_at)` and
 *   `skew_corrected`; event times (occurred_at, decided_at) more than 24 h after `receivedAt` are
 *   clamped to it and flagged `future_clamped`. Other timestamps are stored as given.
 * - Ids: event_id / firing_id / outcome_id; exposures and consent without `event_id` get a derived
 *   id (see hashing.ts); triggers are identified by `${trigger_id}@${version}` (version default 1).
 */
export function validateRow(
  stream: StreamName,
  value: unknown,
  line: number,
  ctx: ValidationContext,
): LineResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rejected(line, WHOLE_LINE, 'expected a JSON object (one row per line)');
  }
  const maxChars = ctx.limits.maxFieldChars;
  const row = value as Record<string, unknown>;
  // Plain valid rows skip zod (fast-path.ts builds the same data); the rest get its messages.
  switch (stream) {
    case 'signals': {
      const fast = fastPath.signals(row, maxChars);
      if (fast !== undefined) {
        return built('signals', line, signalRow(fast, ctx));
      }
      break;
    }
    case 'firings': {
      const fast = fastPath.firings(row, maxChars);
      if (fast !== undefined) {
        return built('firings', line, firingRow(fast, ctx));
      }
      break;
    }
    case 'exposures': {
      const fast = fastPath.exposures(row, maxChars);
      if (fast !== undefined) {
        return built('exposures', line, exposureRow(fast, ctx));
      }
      break;
    }
    case 'outcomes': {
      const fast = fastPath.outcomes(row, maxChars);
      if (fast !== undefined) {
        return built('outcomes', line, outcomeRow(fast, ctx));
      }
      break;
    }
    case 'consent': {
      const fast = fastPath.consent(row, maxChars);
      if (fast !== undefined) {
        return built('consent', line, consentRow(fast, ctx));
      }
      break;
    }
    case 'triggers':
      break;
  }
  const schemas = schemasFor(maxChars);
  switch (stream) {
    case 'signals':
      return finish('signals', schemas.signals.safeParse(value), line, (d) => signalRow(d, ctx));
    case 'triggers':
      return finish('triggers', schemas.triggers.safeParse(value), line, (d) => triggerRow(d, ctx));
    case 'firings':
      return finish('firings', schemas.firings.safeParse(value), line, (d) => firingRow(d, ctx));
    case 'exposures':
      return finish('exposures', schemas.exposures.safeParse(value), line, (d) =>
        exposureRow(d, ctx),
      );
    case 'outcomes':
      return finish('outcomes', schemas.outcomes.safeParse(value), line, (d) => outcomeRow(d, ctx));
    case 'consent':
      return finish('consent', schemas.consent.safeParse(value), line, (d) => consentRow(d, ctx));
  }
}
