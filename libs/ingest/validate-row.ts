import type { z } from 'zod';
import { fastPath } from './fast-path.js';
import { contentHashOfColumns, derivedId } from './hashing.js';
import { schemasFor } from './schemas.js';
import {
  DEFINITION_FIELDS,
  hashedColumns,
  missingDefinitions,
  storedFields,
  STREAM_DECLARATIONS,
  type StoredField,
  type StreamDeclaration,
  type TriggerFields,
} from './streams/index.js';
import type { StreamName } from './streams.js';
import {
  clampFuture,
  correctSkew,
  MAX_TIME_MS,
  MIN_TIME_MS,
  pipelineArrival,
  storageTime,
} from './timestamps.js';
import type { LineResult, RowError, ValidationContext, ValidRow } from './types.js';

/** `RowError.field` when the line as a whole is unreadable (not JSON, not an object). */
export const WHOLE_LINE = '(line)';

export { DEFAULT_CONVERSION_WINDOW_MS } from './streams/index.js';

type Data = Record<string, unknown>;
type Problem = { field: string; message: string };
type Built = { id: string; row: Record<string, unknown>; asSent?: Record<string, unknown> };

function time(ms: number): string {
  return storageTime(ms);
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

/**
 * Seals a row: the content hash covers what the producer sent (event times as given, before skew
 * correction or clamping) and not when it arrived nor when it was sent (see hashedColumns), so a
 * retried copy hashes the same and a copy that says something else does not. `content_hash` is
 * the last column of every table.
 */
function seal(stream: StreamName, { id, row, asSent }: Built): ValidRow {
  const contentHash = contentHashOfColumns(plans[stream].hashed, row, asSent);
  row.content_hash = contentHash;
  return { id, contentHash, row };
}

/** How one column of a storage row is filled from the parsed data. */
interface ColumnFill {
  column: string;
  /** The field's name, or for a nested field its object's name and its own. */
  name: string;
  nested?: string;
  isTime: boolean;
  absent: unknown;
}

function columnFill({ column, path, field }: StoredField): ColumnFill {
  return {
    column,
    name: path[0],
    nested: path[1],
    isTime: field.type === 'time',
    absent: field.default ?? null,
  };
}

/** How a stream's rows are built and hashed, from its declaration. */
interface Plan {
  declaration: StreamDeclaration;
  /** How its stored columns are filled. */
  columns: ColumnFill[];
  /** The columns its content hash covers, sorted (see hashedColumns). */
  hashed: string[];
  /** Of those, the ones hashed as absent whatever they hold. */
  hashedAsAbsent: string[];
}

/** Each stream's plan, walked once. */
const plans = Object.fromEntries(
  Object.entries(STREAM_DECLARATIONS).map(([stream, declaration]) => {
    const hashed = hashedColumns(declaration);
    const plan: Plan = {
      declaration,
      columns: storedFields(declaration).map(columnFill),
      hashed: hashed.map(({ column }) => column),
      hashedAsAbsent: hashed.filter(({ asAbsent }) => asAbsent).map(({ column }) => column),
    };
    return [stream, plan];
  }),
) as Record<StreamName, Plan>;

/** The stored value of a column: the field's default when absent, times as DateTime64 text. */
function storedValue(fill: ColumnFill, d: Data): unknown {
  let value = d[fill.name];
  if (fill.nested !== undefined) {
    value = (value as Data | null | undefined)?.[fill.nested];
  }
  if (value === undefined || value === null) {
    return fill.absent;
  }
  return fill.isTime ? time(value as number) : value;
}

/** The event time as stored: corrected for clock skew when the row says when it was sent. */
function eventTimeOf(
  declaration: StreamDeclaration,
  d: Data,
  ctx: ValidationContext,
): { ms: number; clamped: boolean; skewCorrected: boolean } | Problem {
  const sentMs = d[declaration.eventTime!] as number;
  const sentAt = declaration.sentAt === undefined ? undefined : (d[declaration.sentAt] as number);
  const skewCorrected = sentAt !== null && sentAt !== undefined;
  // A row imported from history says when its pipeline received it: the skew is corrected against
  // that arrival (or ours, when it states a later one), not against the day of the import.
  const collectedAt =
    declaration.collectedAt === undefined
      ? undefined
      : (d[declaration.collectedAt] as number | null | undefined);
  const arrival = pipelineArrival(collectedAt, ctx.receivedAt);
  const corrected = skewCorrected ? correctSkew(sentMs, sentAt, arrival) : sentMs;
  // A row's own times were read from 1970 on when it states sent_at (a device clock restarted at
  // the epoch): the corrected time is the one held to the stored years, before any clamp.
  if (corrected < MIN_TIME_MS || corrected > MAX_TIME_MS) {
    const [at, sent] = [declaration.eventTime!, declaration.sentAt];
    const from = arrival === collectedAt ? 'collected_at' : 'received_at';
    const side = corrected < MIN_TIME_MS ? 'before 2000' : 'after 2100';
    return {
      field: at,
      message: `falls ${side} after clock-skew correction (${from} − (${sent} − ${at})); check ${sent}`,
    };
  }
  const occurred = clampFuture(corrected, ctx.receivedAt);
  return { ms: occurred.ms, clamped: occurred.clamped, skewCorrected };
}

/** The row's deduplication id: its key, or one derived from its content when it has none. */
function idOf(stream: StreamName, declaration: StreamDeclaration, d: Data, row: Data): string {
  const key = declaration.key.map((name) => String(row[name])).join('@');
  if (key !== '' || declaration.derivedKeyFrom === undefined) {
    return key;
  }
  // Derived from the values as sent (event times as sent, not as clamped), so a re-delivery
  // derives the same id.
  const fields = declaration.fields;
  return derivedId(
    stream,
    declaration.derivedKeyFrom.map(
      (name) => (d[name] ?? fields[name].default) as string | number | boolean,
    ),
  );
}

/** Maps the data of a valid row to its storage row (docs/design.md §2 and §5). */
function storageRow(stream: StreamName, d: Data, ctx: ValidationContext): Built | Problem {
  const { declaration, columns } = plans[stream];
  const row: Data = { tenant_id: ctx.tenantId };
  for (const fill of columns) {
    row[fill.column] = storedValue(fill, d);
  }
  row.received_at = receivedText(ctx.receivedAt);
  const eventTime = declaration.eventTime;
  if (eventTime === undefined) {
    return (
      (stream === 'triggers' && notDraft(d, row)) || { id: idOf(stream, declaration, d, row), row }
    );
  }
  const event = eventTimeOf(declaration, d, ctx);
  if ('field' in event) {
    return event;
  }
  const times = eventTimes(d[eventTime] as number, event.ms);
  row[eventTime] = times.stored;
  if (declaration.sentAt !== undefined) {
    row.skew_corrected = event.skewCorrected;
  }
  row.future_clamped = event.clamped;
  const id = idOf(stream, declaration, d, row);
  if (declaration.derivedKeyFrom !== undefined) {
    row[declaration.key[0]] = id;
  }
  const asSent: Data = { [eventTime]: times.asSent };
  for (const column of plans[stream].hashedAsAbsent) {
    asSent[column] = null;
  }
  return { id, row, asSent };
}

/**
 * Why a live or paused trigger definition is refused: it lacks one or more of the six definitions
 * (docs/design.md §2, {@link missingDefinitions} on the row as stored), as defineTrigger refuses
 * it; a draft may lack any (docs/design.md §12). The field named is the first one of the first
 * missing definition that the row leaves out. Undefined when nothing is missing.
 */
function notDraft(d: Data, row: Data): Problem | undefined {
  if (d.status === undefined || d.status === null || d.status === 'draft') {
    return undefined;
  }
  const missing = missingDefinitions(row as unknown as TriggerFields);
  if (missing.length === 0) {
    return undefined;
  }
  const absent = (path: string) => {
    const [name, nested] = path.split('.');
    const value = nested === undefined ? d[name] : (d[name] as Data | null | undefined)?.[nested];
    return (
      value === undefined ||
      value === null ||
      value === '' ||
      (Array.isArray(value) && value.length === 0)
    );
  };
  const fields = missing.flatMap((definition) => DEFINITION_FIELDS[definition]);
  const needs = missing
    .map((definition) => `${definition} (${DEFINITION_FIELDS[definition].join(', ')})`)
    .join('; ');
  return {
    field: fields.find(absent) ?? fields[0],
    message: `a ${d.status as string} trigger needs all six definitions; it lacks ${needs}. Send them, or "status":"draft" to store it unfinished`,
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
 * Validates one parsed line of a stream and maps it to its storage row (docs/design.md §2 and §5).
 *
 * - Reports the first failing field only, in the order of docs/design.md §2's table (required fields first).
 * - Unknown fields are ignored; optional fields may be `null` (= absent).
 * - `tenant_id` is always `ctx.tenantId`; `received_at` is `ctx.receivedAt`.
 * - Signals with `sent_at` get `occurred_at := receivedAt − (sent_at − occurred_at)` and
 *   `skew_corrected`, their `occurred_at` and `sent_at` read from 1970 on (a device clock
 *   restarted at the epoch) and the corrected time held to 2000–2100; event times (occurred_at, decided_at) more than 24 h after `receivedAt` are
 *   clamped to it and flagged `future_clamped`. Other timestamps are stored as given.
 * - A trigger definition may be a draft lacking any of the six definitions; a live or paused one
 *   lacking any is refused, naming every one it lacks and the fields that make it.
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
  // Plain valid rows skip zod (fast-path.ts builds the same data); the rest get its messages.
  const fast = stream === 'triggers' ? undefined : fastPath[stream](value as Data, maxChars);
  if (fast !== undefined) {
    return built(stream, line, storageRow(stream, fast, ctx));
  }
  const parsed = (schemasFor(maxChars)[stream] as z.ZodType<Data>).safeParse(value);
  return finish(stream, parsed, line, (d) => storageRow(stream, d, ctx));
}
