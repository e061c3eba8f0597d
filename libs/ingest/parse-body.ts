import { isUtf8 } from 'node:buffer';
import { IngestLimitError } from './limit-error.js';
import type { ParsedLine } from './types.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const OPEN_BRACKET = 0x5b;
const UTF8_BOM = [0xef, 0xbb, 0xbf];
const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The message for a line whose bytes are not UTF-8. */
export const NOT_UTF8 = 'not valid UTF-8 (the invalid bytes are shown as U+FFFD in raw)';

// V8 quotes the offending code unit of a bad line in its message, so a line that starts with a
// character beyond U+FFFF yields half a surrogate pair, which no UTF-8 store accepts.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function jsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `not valid JSON: ${message.replace(LONE_SURROGATE, '\uFFFD')}`;
}

/** Parses one line's text, never throwing. */
export function parseText(line: number, raw: string): ParsedLine {
  try {
    return { line, raw, value: JSON.parse(raw) as unknown };
  } catch (error) {
    return { line, raw, parseError: jsonError(error) };
  }
}

/** Decodes bytes as UTF-8; invalid sequences become U+FFFD and are reported, not thrown. */
function decode(bytes: Buffer): { text: string; valid: boolean } {
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  return { text, valid: isUtf8(bytes) };
}

/**
 * Cuts NDJSON into lines at the byte level as chunks arrive. Splitting bytes (not text) is safe
 * because 0x0A never occurs inside a multi-byte UTF-8 sequence, and it lets each line be checked
 * for invalid UTF-8 on its own, so one bad line does not taint its neighbours. The lines a chunk
 * completes are decoded together when their bytes are valid UTF-8 (the common case): each line is
 * then a slice of one string, not a string and two Buffer views of its own.
 */
class LineSplitter {
  private pending: Buffer[] = [];
  private lineNumber = 0;
  private rows = 0;

  constructor(
    private readonly maxRows: number,
    private readonly parse: boolean,
  ) {}

  /** Appends the lines `chunk` completes to `out` (those before a limit error, then throws). */
  push(chunk: Buffer, out: ParsedLine[]): void {
    let start = 0;
    if (this.pending.length > 0) {
      const end = chunk.indexOf(NEWLINE);
      if (end === -1) {
        this.pending.push(chunk);
        return;
      }
      const bytes = Buffer.concat([...this.pending, chunk.subarray(0, end)]);
      this.pending = [];
      start = end + 1;
      this.bytesLine(bytes, out);
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= start) {
      const whole = chunk.subarray(start, last);
      if (isUtf8(whole)) {
        const text = whole.toString('utf8');
        let from = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', from)) {
          this.textLine(text.slice(from, end), true, out);
          from = end + 1;
        }
        this.textLine(text.slice(from), true, out);
      } else {
        let from = 0;
        for (let end = whole.indexOf(NEWLINE); end !== -1; end = whole.indexOf(NEWLINE, from)) {
          this.bytesLine(whole.subarray(from, end), out);
          from = end + 1;
        }
        this.bytesLine(whole.subarray(from), out);
      }
      start = last + 1;
    }
    if (start < chunk.length) {
      this.pending.push(chunk.subarray(start));
    }
  }

  /** Appends the last line, if the body did not end with a newline. */
  end(out: ParsedLine[]): void {
    if (this.pending.length > 0) {
      const bytes = Buffer.concat(this.pending);
      this.pending = [];
      this.bytesLine(bytes, out);
    }
  }

  private bytesLine(bytes: Buffer, out: ParsedLine[]): void {
    this.textLine(bytes.toString('utf8'), isUtf8(bytes), out);
  }

  private textLine(line: string, valid: boolean, out: ParsedLine[]): void {
    this.lineNumber++;
    let text = line;
    if (text.charCodeAt(text.length - 1) === CARRIAGE_RETURN) {
      text = text.slice(0, -1);
    }
    if (text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
    }
    // Blank lines are skipped but still counted, so numbers match what an editor shows. Only a
    // line that starts with a space or a non-ASCII character can be blank.
    const first = text.charCodeAt(0);
    if (text.length === 0 || ((first <= 0x20 || first >= 0x80) && text.trim() === '')) {
      return;
    }
    this.rows++;
    if (this.rows > this.maxRows) {
      throw new IngestLimitError('rows', this.maxRows);
    }
    if (!valid) {
      out.push({ line: this.lineNumber, raw: text, parseError: NOT_UTF8 });
    } else {
      out.push(
        this.parse ? parseText(this.lineNumber, text) : { line: this.lineNumber, raw: text },
      );
    }
  }
}

/** Re-serializes an array element for `raw`; a pathologically deep one cannot be (stack). */
function elementLine(index: number, value: unknown): ParsedLine {
  try {
    return { line: index + 1, raw: JSON.stringify(value), value };
  } catch {
    return { line: index + 1, raw: '', parseError: 'nested too deeply to process' };
  }
}

/**
 * Parses a JSON-array body. The array must be parsed whole; the text is dropped before the first
 * element is yielded (it lives only inside this function), and each element is released once
 * yielded, so the body is held as objects once.
 */
function parseArrayBody(chunks: Buffer[]): { elements: unknown[] } | { error: ParsedLine } {
  const { text, valid } = decode(Buffer.concat(chunks));
  if (!valid) {
    return { error: { line: 1, raw: text, parseError: NOT_UTF8 } };
  }
  try {
    return { elements: JSON.parse(text) as unknown[] };
  } catch (error) {
    return { error: { line: 1, raw: text, parseError: jsonError(error) } };
  }
}

/**
 * The first byte of this chunk that is neither JSON whitespace nor part of a UTF-8 byte order mark
 * at the very start of the body (`offsetInBody` is where the chunk starts), or undefined.
 */
function firstSignificantByte(chunk: Buffer, offsetInBody: number): number | undefined {
  for (let i = 0; i < chunk.length; i++) {
    const position = offsetInBody + i;
    const byte = chunk[i];
    if (position < 3 && byte === UTF8_BOM[position]) {
      continue;
    }
    if (!JSON_WHITESPACE.has(byte)) {
      return byte;
    }
  }
  return undefined;
}

/**
 * Reads a request body as NDJSON, or as a JSON array when its first non-whitespace character is
 * `[`. Yields one {@link ParsedLine} per non-blank line (or element); a line that is not JSON or
 * not UTF-8 yields a `parseError` and never throws. Line numbers are physical lines of the body
 * (blank lines and `\r\n` included), or array index + 1.
 *
 * NDJSON is split as chunks arrive and never concatenated whole. A string chunk that ends inside a
 * surrogate pair is completed with the next chunk; pass Buffers to have invalid UTF-8 reported.
 *
 * @throws IngestLimitError when the body has more than `options.maxRows` rows. For NDJSON this
 *   happens after `maxRows` lines were yielded: the caller must discard the whole request.
 */
export async function* parseBody(
  source: AsyncIterable<Buffer | string>,
  options: BodyOptions,
): AsyncGenerator<ParsedLine> {
  for await (const lines of parseBodyBatches(source, options)) {
    yield* lines;
  }
}

/** Options of {@link parseBody} and {@link parseBodyBatches}. */
export interface BodyOptions {
  maxRows: number;
  /**
   * Whether to JSON.parse each NDJSON line (default true). With false, a readable line comes with
   * its text only and prepareBatch parses it when it must (most lines it reads without parsing).
   */
  parse?: boolean;
}

/**
 * {@link parseBody} one source chunk at a time: the lines each chunk completes, as an array. The
 * same lines in the same order and the same limit error (thrown once the lines before it were
 * yielded), at one await per chunk instead of one per line, which is what a 10,000-line request
 * costs most in its parsing otherwise.
 */
export async function* parseBodyBatches(
  source: AsyncIterable<Buffer | string>,
  options: BodyOptions,
): AsyncGenerator<ParsedLine[]> {
  // An object, not a `let`: it changes inside accept(), and narrowing would not see that.
  const state: { mode: 'sniff' | 'lines' | 'array' } = { mode: 'sniff' };
  let held: Buffer[] = [];
  let bytesSeen = 0;
  const splitter = new LineSplitter(options.maxRows, options.parse ?? true);

  /** Appends the lines `chunk` completes to `out`. */
  function accept(chunk: Buffer, out: ParsedLine[]): void {
    if (state.mode === 'lines') {
      splitter.push(chunk, out);
      return;
    }
    held.push(chunk);
    if (state.mode === 'array') {
      return;
    }
    const first = firstSignificantByte(chunk, bytesSeen);
    bytesSeen += chunk.length;
    if (first === undefined) {
      return;
    }
    state.mode = first === OPEN_BRACKET ? 'array' : 'lines';
    if (state.mode === 'lines') {
      const leading = held;
      held = [];
      for (const heldChunk of leading) {
        splitter.push(heldChunk, out);
      }
    }
  }

  /** Runs `read` on a fresh array; lines before a limit error travel with the error. */
  function drain(read: (out: ParsedLine[]) => void): { lines: ParsedLine[]; error?: Error } {
    const collected: ParsedLine[] = [];
    try {
      read(collected);
      return { lines: collected };
    } catch (error) {
      return { lines: collected, error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  let pendingHighSurrogate = '';
  for await (const piece of source) {
    let chunk: Buffer;
    if (typeof piece === 'string') {
      // Buffer.from would turn half of a split surrogate pair into U+FFFD; carry it to the next.
      let text = pendingHighSurrogate + piece;
      pendingHighSurrogate = '';
      const last = text.charCodeAt(text.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) {
        pendingHighSurrogate = text.slice(-1);
        text = text.slice(0, -1);
      }
      chunk = Buffer.from(text, 'utf8');
    } else {
      chunk = piece;
    }
    const drained = drain((out) => accept(chunk, out));
    if (drained.lines.length > 0) {
      yield drained.lines;
    }
    if (drained.error !== undefined) {
      throw drained.error;
    }
  }
  if (pendingHighSurrogate !== '') {
    const tail = Buffer.from(pendingHighSurrogate, 'utf8');
    const drained = drain((out) => accept(tail, out));
    if (drained.lines.length > 0) {
      yield drained.lines;
    }
    if (drained.error !== undefined) {
      throw drained.error;
    }
  }

  if (state.mode === 'array') {
    const parsed = parseArrayBody(held);
    held = [];
    if ('error' in parsed) {
      yield [parsed.error];
      return;
    }
    const elements = parsed.elements;
    if (elements.length > options.maxRows) {
      throw new IngestLimitError('rows', options.maxRows);
    }
    // Elements are released as they are turned into lines, in slices, so the body is held as
    // objects about once.
    for (let first = 0; first < elements.length; first += 1000) {
      const lines: ParsedLine[] = [];
      for (let index = first; index < Math.min(elements.length, first + 1000); index++) {
        const value = elements[index];
        elements[index] = undefined;
        lines.push(elementLine(index, value));
      }
      yield lines;
    }
    return;
  }
  if (state.mode === 'lines') {
    const drained = drain((out) => splitter.end(out));
    if (drained.lines.length > 0) {
      yield drained.lines;
    }
    if (drained.error !== undefined) {
      throw drained.error;
    }
  }
  // Still sniffing: the body was empty or whitespace only, so there is nothing to yield.
}
