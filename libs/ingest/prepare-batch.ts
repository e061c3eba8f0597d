import { IngestLimitError } from './limit-error.js';
import { parseText } from './parse-body.js';
import { passThrough } from './passthrough.js';
import type { StreamName } from './streams.js';
import {
  MAX_REJECTED_RAW_CHARS,
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

function rejectedRecord(stream: StreamName, error: RowError, fullRaw: string): RejectedRecord {
  const { raw, truncated } = truncateRaw(fullRaw);
  const reason = truncated
    ? `${error.message} (raw text truncated to its first ${raw.length} of ${fullRaw.length} characters)`
    : error.message;
  return { stream, line: error.line, field: error.field, reason, raw };
}

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
  const hashById = new Map<string, string>();
  const ndjson = new NdjsonWriter();
  const errors: RowError[] = [];
  const rejects: RejectedRecord[] = [];
  let count = 0;
  let duplicates = 0;
  let conflicts = 0;
  let clamped = 0;
  let skewCorrected = 0;

  /** Keeps the first copy of an id; false for a later copy. */
  const keep = (line: StorageLine): boolean => {
    const firstHash = hashById.get(line.id);
    if (firstHash !== undefined) {
      duplicates++;
      if (firstHash !== line.contentHash) {
        conflicts++;
      }
      return false;
    }
    hashById.set(line.id, line.contentHash);
    ndjson.add(line.text);
    return true;
  };
  const take = (line: ParsedLine): void => {
    if (ctx.namesErasedPerson?.(line) === true) {
      // The raw text would name the person again: the rejection is kept without it.
      errors.push({ line: line.line, field: 'person_id', message: 'erased' });
      rejects.push({ stream, line: line.line, field: 'person_id', reason: 'erased', raw: '' });
      return;
    }
    // Most lines are stored as sent, read without JSON.parse (passthrough.ts); the others are
    // parsed if they were not, and validateRow builds their rows or words their refusal.
    const passed = line.parseError === undefined ? passThrough(stream, line.raw, ctx) : undefined;
    if (passed !== undefined) {
      keep(passed);
      return;
    }
    const parsed =
      line.parseError !== undefined || 'value' in line ? line : parseText(line.line, line.raw);
    if (parsed.parseError !== undefined) {
      const error = { line: parsed.line, field: WHOLE_LINE, message: parsed.parseError };
      errors.push(error);
      rejects.push(rejectedRecord(stream, error, parsed.raw));
      return;
    }
    const result = validateRow(stream, parsed.value, parsed.line, ctx);
    if (!result.ok) {
      errors.push(result.error);
      rejects.push(rejectedRecord(stream, result.error, parsed.raw));
      return;
    }
    const { id, contentHash, row } = result.value;
    if (!keep({ id, contentHash, text: JSON.stringify(row) })) {
      return;
    }
    if (row.future_clamped === true) {
      clamped++;
    }
    if (row.skew_corrected === true) {
      skewCorrected++;
    }
  };
  const counted = (): boolean => {
    count++;
    if (count > ctx.limits.maxRows) {
      throw new IngestLimitError('rows', ctx.limits.maxRows);
    }
    // A JSON-array body or a GraphQL list arrives whole, so nothing else would interrupt 50,000
    // validations: let the server answer other requests every thousand lines (~20 ms).
    return count % LINES_PER_TURN === 0;
  };

  if (Symbol.iterator in lines) {
    // An array is read in a plain loop: `for await` would cost an await per line.
    for (const parsed of lines as Iterable<ParsedLine>) {
      if (counted()) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      take(parsed);
    }
  } else {
    for await (const item of lines) {
      // The lines of a body chunk (parseBodyBatches) arrive together: one await per chunk, and
      // each line is validated while the rest of the body is read, so its parsed value dies young.
      for (const parsed of linesOf(item)) {
        if (counted()) {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        take(parsed);
      }
    }
  }

  return {
    stream,
    lines: count,
    accepted: count - errors.length,
    rejected: errors.length,
    duplicates,
    conflicts,
    errors,
    stored: hashById.size,
    ndjson: ndjson.text(),
    rejects,
    clamped,
    skewCorrected,
  };
}
