import { nearestField } from './field-suggestion.js';
import { derivedId } from './hashing.js';
import { inexactNumber } from './fields.js';
import { IngestLimitError } from './limit-error.js';
import { parseText } from './parse-body.js';
import { passThrough } from './passthrough.js';
import {
  STREAM_DECLARATIONS,
  type FieldDeclaration,
  type StreamDeclaration,
} from './streams/index.js';
import type { StreamName } from './streams.js';
import {
  MAX_REJECTED_RAW_CHARS,
  type IgnoredField,
  type ParsedLine,
  type PreparedBatch,
  type RejectedRecord,
  type LineSource,
  type RowError,
  type StorageLine,
  type ValidationContext,
} from './types.js';
import { validateRow, WHOLE_LINE } from './validate-row.js';

/** Lines validated between two yields to the event loop. */
const LINES_PER_TURN = 1000;
const NEWLINE = 0x0a;

/**
 * The kept lines as one JSONEachRow text, written into a growing buffer as they are kept. Each
 * line's text (a few short strings around the line as sent) is then garbage as soon as it is
 * written, instead of living until the whole request is joined: holding 10,000 of them, a request
 * spent more on the garbage collector copying them than on validating.
 */
class NdjsonWriter {
  private buffer = Buffer.allocUnsafe(1 << 20);
  private length = 0;

  add(text: string): void {
    // At most 3 bytes per UTF-16 unit, and a newline.
    const needed = this.length + 3 * text.length + 1;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    if (this.length > 0) {
      this.buffer[this.length++] = NEWLINE;
    }
    this.length += this.buffer.write(text, this.length);
  }

  text(): string {
    return this.buffer.toString('utf8', 0, this.length);
  }

  /** The text's bytes: a view of the buffer, not a copy. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

function isLineList(item: ParsedLine | readonly ParsedLine[]): item is readonly ParsedLine[] {
  return Array.isArray(item);
}

function linesOf(item: ParsedLine | readonly ParsedLine[]): readonly ParsedLine[] {
  return isLineList(item) ? item : [item];
}

/** Cuts raw text for `rejected_events` without splitting a surrogate pair. */
function truncateRaw(raw: string): { raw: string; truncated: boolean } {
  if (raw.length <= MAX_REJECTED_RAW_CHARS) {
    return { raw, truncated: false };
  }
  let end = MAX_REJECTED_RAW_CHARS;
  const last = raw.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end--;
  }
  return { raw: raw.slice(0, end), truncated: true };
}

/**
 * A refused line as `rejected_events` keeps it, its raw text cut to MAX_REJECTED_RAW_CHARS (the
 * reason says so): a stream's, or one a door refused before it became a row (`stream` then names
 * the door).
 */
export function rejectedRecord<S extends string = StreamName>(
  stream: S,
  error: RowError,
  fullRaw: string,
): Omit<RejectedRecord, 'stream'> & { stream: S } {
  const { raw, truncated } = truncateRaw(fullRaw);
  const reason = truncated
    ? `${error.message} (raw text truncated to its first ${raw.length} of ${fullRaw.length} characters)`
    : error.message;
  return { stream, line: error.line, field: error.field, reason, raw };
}

/** What one request's lines add up to, line by line. */
class BatchCollector {
  private readonly hashById = new Map<string, string>();
  private readonly ndjson = new NdjsonWriter();
  private readonly errors: RowError[] = [];
  private readonly rejects: RejectedRecord[] = [];
  private count = 0;
  private duplicates = 0;
  private conflicts = 0;
  private clamped = 0;
  private skewCorrected = 0;
  /** Lines per field the stream does not know. */
  private readonly ignored = new Map<string, number>();

  constructor(
    private readonly stream: StreamName,
    private readonly ctx: ValidationContext,
  ) {}

  /**
   * Counts one more line, refusing the request past `maxRows`. True every thousand lines: a
   * JSON-array body or a GraphQL list arrives whole, so nothing else would interrupt 50,000
   * validations, and the server should answer other requests meanwhile (~20 ms).
   */
  counted(): boolean {
    this.count++;
    if (this.count > this.ctx.limits.maxRows) {
      throw new IngestLimitError('rows', this.ctx.limits.maxRows);
    }
    return this.count % LINES_PER_TURN === 0;
  }

  /**
   * Takes one line. Most lines are stored as sent, read without JSON.parse (passthrough.ts); the
   * others are parsed if they were not, and validateRow builds their rows or words their refusal.
   */
  take(line: ParsedLine): void {
    const erased = this.ctx.namesErasedPerson?.(line);
    if (erased !== undefined) {
      // The raw text would name the person again: the rejection is kept without it.
      this.errors.push({ line: line.line, field: erased, message: 'erased' });
      this.rejects.push({
        stream: this.stream,
        line: line.line,
        field: erased,
        reason: 'erased',
        raw: '',
      });
      return;
    }
    const passed =
      line.parseError === undefined && !inexactSource(line)
        ? passThrough(this.stream, line.raw, this.ctx)
        : undefined;
    if (passed !== undefined) {
      if (passed.ignored !== undefined) {
        this.countIgnored(passed.ignored);
      }
      this.keep(passed);
      return;
    }
    const parsed =
      line.parseError !== undefined || 'value' in line ? line : parseText(line.line, line.raw);
    if (parsed.parseError !== undefined) {
      this.reject({ line: parsed.line, field: WHOLE_LINE, message: parsed.parseError }, line);
      return;
    }
    this.countIgnored(unknownFields(this.stream, parsed.value));
    const result = validateRow(this.stream, parsed.value, parsed.line, this.ctx);
    if (!result.ok) {
      this.reject(result.error, line, parsed.value);
      return;
    }
    const { id, contentHash, row } = result.value;
    if (this.keep({ id, contentHash, text: JSON.stringify(row) })) {
      this.clamped += row.future_clamped === true ? 1 : 0;
      this.skewCorrected += row.skew_corrected === true ? 1 : 0;
    }
  }

  /** Keeps the first copy of an id; false for a later copy, counted as a duplicate. */
  private keep(line: StorageLine): boolean {
    const firstHash = this.hashById.get(line.id);
    if (firstHash !== undefined) {
      this.duplicates++;
      if (firstHash !== line.contentHash) {
        this.conflicts++;
      }
      return false;
    }
    this.hashById.set(line.id, line.contentHash);
    this.ndjson.add(line.text);
    return true;
  }

  private countIgnored(fields: readonly string[]): void {
    for (const field of fields) {
      this.ignored.set(field, (this.ignored.get(field) ?? 0) + 1);
    }
  }

  private ignoredFields(): IgnoredField[] {
    return [...this.ignored].map(([field, lines]) => ({
      field,
      lines,
      suggestion: suggestionFor(this.stream, field),
    }));
  }

  /** Answers and keeps a refused line; `value` is the line's JSON when it could be read. */
  private reject(error: RowError, line: ParsedLine, value?: unknown): void {
    this.errors.push(error);
    const record = rejectedRecord(this.stream, error, line.raw);
    // refused for another reason, the line may still name an erased person: not their text again,
    // nor anything made of it
    if (this.ctx.rawNamesErased?.(record.raw) === true) {
      const reason = `${error.message} (raw text not kept: it names an erased person)`;
      this.rejects.push({ ...record, reason, raw: '' });
      return;
    }
    const knownAs = line.knownAs ?? knownWithoutSendTime(this.stream, value);
    this.rejects.push(knownAs === undefined ? record : { ...record, knownAs });
  }

  batch(): PreparedBatch {
    const ndjson = this.ndjson;
    return {
      stream: this.stream,
      lines: this.count,
      accepted: this.count - this.errors.length,
      rejected: this.errors.length,
      duplicates: this.duplicates,
      conflicts: this.conflicts,
      errors: this.errors,
      stored: this.hashById.size,
      ndjsonBytes: ndjson.bytes(),
      // Made only when asked for: the writer takes the bytes (see ClickHouseService.insertRaw).
      get ndjson() {
        return ndjson.text();
      },
      rejects: this.rejects,
      clamped: this.clamped,
      skewCorrected: this.skewCorrected,
      ignoredFields: this.ignoredFields(),
    };
  }
}

/**
 * Whether a line that came parsed (an element of a JSON array, a GraphQL row) holds a number
 * JSON.parse did not keep: its text, JSON.stringify's, writes the number it became (Infinity as
 * null), which the pass-through would store. validateRow refuses it, naming the field.
 */
function inexactSource(line: ParsedLine): boolean {
  return 'value' in line && inexactNumber(line.value) !== undefined;
}

/**
 * What a refused line that states its send time (a signal's `sent_at`) is known by: its JSON
 * without that time, which a producer's library stamps anew on each retry, as an accepted copy's
 * content hash leaves it out (hashedColumns), so that the copies of a retry are one refused line.
 * Undefined for any other line: it is known by its text.
 */
function knownWithoutSendTime(stream: StreamName, value: unknown): string | undefined {
  const declaration: StreamDeclaration = STREAM_DECLARATIONS[stream];
  const sentAt = declaration.sentAt;
  if (sentAt === undefined || !isPlainObject(value) || !Object.hasOwn(value, sentAt)) {
    return undefined;
  }
  const content = Object.entries(value).filter(([field]) => field !== sentAt);
  return derivedId(stream, [JSON.stringify(content)]);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fields of a parsed line that its stream does not know, and inside an object the stream
 * declares (a trigger's `suppression`, `frequency_cap`) the keys it does not, dotted
 * (`suppression.converted_lookback`): the object's schema drops them, and a mistyped key there
 * would otherwise leave its definition empty without a word.
 */
function unknownFields(stream: StreamName, value: unknown): string[] {
  if (!isPlainObject(value)) {
    return [];
  }
  const fields: Readonly<Record<string, FieldDeclaration>> = STREAM_DECLARATIONS[stream].fields;
  return Object.keys(value).flatMap((key) => {
    if (!Object.hasOwn(fields, key)) {
      return [key];
    }
    const inner = fields[key].fields;
    const nested = value[key];
    return inner === undefined || !isPlainObject(nested)
      ? []
      : Object.keys(nested)
          .filter((name) => !Object.hasOwn(inner, name))
          .map((name) => `${key}.${name}`);
  });
}

/** The field an ignored one most likely means: within its object for a dotted name. */
function suggestionFor(stream: StreamName, field: string): string | null {
  const fields: Readonly<Record<string, FieldDeclaration>> = STREAM_DECLARATIONS[stream].fields;
  const dot = field.indexOf('.');
  const inner =
    dot > 0 && Object.hasOwn(fields, field.slice(0, dot))
      ? fields[field.slice(0, dot)].fields
      : undefined;
  if (inner === undefined) {
    return nearestField(field, Object.keys(fields));
  }
  const nearest = nearestField(field.slice(dot + 1), Object.keys(inner));
  return nearest === null ? null : `${field.slice(0, dot)}.${nearest}`;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Validates every line of one request and gathers what the writer needs.
 *
 * - `accepted` is always `lines − rejected`: a duplicate is accepted (a retry is not an error)
 *   but its row is kept once, the first copy winning; `conflicts` counts duplicates whose content
 *   differs from that first copy.
 * - Every bad line becomes both a {@link RowError} (the answer) and a {@link RejectedRecord} (for
 *   `rejected_events`, raw text cut to 64 Ki characters with the cut stated in the reason).
 * - `clamped` and `skewCorrected` count rows kept.
 * - The rows kept come as JSONEachRow text (`ndjson`): most lines as they were sent, with the
 *   columns they lack written in front (passthrough.ts), the others as validateRow's row.
 *
 * @throws IngestLimitError when there are more than `ctx.limits.maxRows` lines (the same limit
 *   parseBody enforces; checked here too for callers that pass an array, e.g. GraphQL).
 */
export async function prepareBatch(
  stream: StreamName,
  lines: LineSource,
  ctx: ValidationContext,
): Promise<PreparedBatch> {
  const collector = new BatchCollector(stream, ctx);
  if (Symbol.iterator in lines) {
    // An array is read in a plain loop: `for await` would cost an await per line.
    for (const line of lines as Iterable<ParsedLine>) {
      if (collector.counted()) {
        await nextTurn();
      }
      collector.take(line);
    }
    return collector.batch();
  }
  for await (const item of lines) {
    // The lines of a body chunk (parseBodyBatches) arrive together: one await per chunk, and
    // each line is validated while the rest of the body is read, so its parsed value dies young.
    for (const line of linesOf(item)) {
      if (collector.counted()) {
        await nextTurn();
      }
      collector.take(line);
    }
  }
  return collector.batch();
}
