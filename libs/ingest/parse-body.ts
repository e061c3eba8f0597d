import { isUtf8 } from 'node:buffer';
import { IngestLimitError } from './limit-error.js';
import type { ParsedLine } from './types.js';
import { messageOf } from '../errors/index.js';

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
  const message = messageOf(error);
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
 * The texts of the top-level elements of a JSON array that JSON.parse refused as a whole (one
 * element with a NaN, say), so that each is parsed on its own, as the lines of an NDJSON body
 * are; null when the text is not an array of elements at all (never closed, text after it).
 * Only strings (with their escapes) and nesting are followed: what lies between two top-level
 * commas is one element, and JSON.parse then says whether it is JSON. Hand-written: a streaming
 * JSON tokenizer would refuse the whole body at the first bad element, which is the point here.
 */
export function arrayElementTexts(text: string): string[] | null {
  let start = text.indexOf('[') + 1;
  if (start === 0 || text.slice(0, start - 1).trim() !== '') {
    return null;
  }
  const elements: string[] = [];
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') {
        i++;
      } else if (char === '"') {
        inString = false;
      }
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      depth++;
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth--;
    } else if (char === ']') {
      const last = text.slice(start, i);
      if (last.trim() !== '' || elements.length > 0) {
        elements.push(last);
      }
      return text.slice(i + 1).trim() === '' ? elements.map((element) => element.trim()) : null;
    } else if (char === ',' && depth === 0) {
      elements.push(text.slice(start, i));
      start = i + 1;
    } else if (char === '}') {
      return null;
    }
  }
  return null;
}

/**
 * Parses a JSON-array body. The array must be parsed whole; the text is dropped before the first
 * element is yielded (it lives only inside this function), and each element is released once
 * yielded, so the body is held as objects once. When the array is not JSON as a whole, each of
 * its elements is parsed on its own: a bad element is refused with its own text, as a bad line of
 * NDJSON is, and the others are kept.
 */
function parseArrayBody(
  chunks: Buffer[],
): { elements: unknown[] } | { lines: ParsedLine[] } | { error: ParsedLine } {
  const { text, valid } = decode(Buffer.concat(chunks));
  if (!valid) {
    return { error: { line: 1, raw: text, parseError: NOT_UTF8 } };
  }
  try {
    return { elements: JSON.parse(text) as unknown[] };
  } catch (error) {
    const elements = arrayElementTexts(text);
    if (elements === null) {
      return { error: { line: 1, raw: text, parseError: jsonError(error) } };
    }
    return {
      lines: elements.map((element, index) => {
        const line = parseText(index + 1, element);
        // a good element is written again, as the whole array's elements are
        return line.parseError === undefined ? elementLine(index, line.value) : line;
      }),
    };
  }
}

/**
 * Where the sniffing stands after some bytes: the first significant byte when one was found, and
 * how many leading bytes of the body match the UTF-8 byte order mark so far (`bomBytes`, null once
 * they no longer can).
 */
interface Sniffed {
  first: number | undefined;
  bomBytes: number | null;
}

/**
 * The first byte of this chunk that is neither JSON whitespace nor part of a UTF-8 byte order mark
 * at the very start of the body (`offsetInBody` is where the chunk starts). Only a whole mark is
 * skipped: a body that starts with part of one (0xEF, or 0xEF 0xBB) and goes on with anything else
 * starts with those bytes, so they are its first significant byte (a line of invalid UTF-8).
 */
function sniff(chunk: Buffer, offsetInBody: number, bomBytes: number | null): Sniffed {
  let matched = bomBytes;
  for (let i = 0; i < chunk.length; i++) {
    const position = offsetInBody + i;
    const byte = chunk[i];
    if (matched !== null && matched < UTF8_BOM.length) {
      if (matched === position && byte === UTF8_BOM[position]) {
        matched++;
        continue;
      }
      if (matched > 0) {
        return { first: UTF8_BOM[0], bomBytes: null };
      }
      matched = null;
    }
    if (!JSON_WHITESPACE.has(byte)) {
      return { first: byte, bomBytes: matched };
    }
  }
  return { first: undefined, bomBytes: matched };
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
 * Strings of a text source as UTF-8 Buffers. Buffer.from would turn half of a surrogate pair split
 * between two pieces into U+FFFD, so a trailing high surrogate is carried to the next piece.
 */
async function* asBuffers(source: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let pendingHighSurrogate = '';
  for await (const piece of source) {
    if (typeof piece !== 'string') {
      yield piece;
      continue;
    }
    let text = pendingHighSurrogate + piece;
    pendingHighSurrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      pendingHighSurrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    yield Buffer.from(text, 'utf8');
  }
  if (pendingHighSurrogate !== '') {
    yield Buffer.from(pendingHighSurrogate, 'utf8');
  }
}

/**
 * Tells an NDJSON body from a JSON array by its first significant byte, then hands NDJSON chunks
 * to the splitter as they come and holds an array's chunks until the body ends.
 */
class BodyReader {
  mode: 'sniff' | 'lines' | 'array' = 'sniff';
  private held: Buffer[] = [];
  private bytesSeen = 0;
  private bomBytes: number | null = 0;

  constructor(private readonly splitter: LineSplitter) {}

  /** Appends the lines `chunk` completes to `out`. */
  accept(chunk: Buffer, out: ParsedLine[]): void {
    if (this.mode === 'lines') {
      this.splitter.push(chunk, out);
      return;
    }
    this.held.push(chunk);
    if (this.mode === 'array') {
      return;
    }
    const { first, bomBytes } = sniff(chunk, this.bytesSeen, this.bomBytes);
    this.bytesSeen += chunk.length;
    this.bomBytes = bomBytes;
    if (first !== undefined) {
      this.readAs(first === OPEN_BRACKET ? 'array' : 'lines', out);
    }
  }

  /**
   * Appends what the body's end completes to `out`. A body that ends while still sniffing is
   * whitespace only, and yields nothing, unless it starts with part of a byte order mark: those
   * bytes are a line.
   */
  end(out: ParsedLine[]): void {
    const partialBom =
      this.bomBytes !== null && this.bomBytes > 0 && this.bomBytes < UTF8_BOM.length;
    if (this.mode === 'sniff' && partialBom) {
      this.readAs('lines', out);
    }
    if (this.mode === 'lines') {
      this.splitter.end(out);
    }
  }

  private readAs(mode: 'lines' | 'array', out: ParsedLine[]): void {
    this.mode = mode;
    if (mode === 'lines') {
      for (const heldChunk of this.takeHeld()) {
        this.splitter.push(heldChunk, out);
      }
    }
  }

  /** The chunks held so far, which the reader then forgets. */
  takeHeld(): Buffer[] {
    const held = this.held;
    this.held = [];
    return held;
  }
}

/**
 * The lines `read` appends, as one batch when there are any; an error it throws (the row limit)
 * is thrown after the lines before it were yielded.
 */
function* batchOf(read: (out: ParsedLine[]) => void): Generator<ParsedLine[]> {
  const lines: ParsedLine[] = [];
  let failure: Error | undefined;
  try {
    read(lines);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  if (lines.length > 0) {
    yield lines;
  }
  if (failure !== undefined) {
    throw failure;
  }
}

/** Elements per batch of a JSON-array body. */
const ELEMENTS_PER_BATCH = 1000;

/**
 * The elements of a parsed JSON-array body as lines, in batches. Elements are released as they
 * are turned into lines, so the body is held as objects about once.
 */
function* arrayBatches(
  parsed: { elements: unknown[] } | { lines: ParsedLine[] } | { error: ParsedLine },
  maxRows: number,
): Generator<ParsedLine[]> {
  if ('error' in parsed) {
    yield [parsed.error];
    return;
  }
  if ('lines' in parsed) {
    if (parsed.lines.length > maxRows) {
      throw new IngestLimitError('rows', maxRows);
    }
    for (let first = 0; first < parsed.lines.length; first += ELEMENTS_PER_BATCH) {
      yield parsed.lines.slice(first, first + ELEMENTS_PER_BATCH);
    }
    return;
  }
  const elements = parsed.elements;
  if (elements.length > maxRows) {
    throw new IngestLimitError('rows', maxRows);
  }
  for (let first = 0; first < elements.length; first += ELEMENTS_PER_BATCH) {
    const lines: ParsedLine[] = [];
    for (
      let index = first;
      index < Math.min(elements.length, first + ELEMENTS_PER_BATCH);
      index++
    ) {
      const value = elements[index];
      elements[index] = undefined;
      lines.push(elementLine(index, value));
    }
    yield lines;
  }
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
  const body = new BodyReader(new LineSplitter(options.maxRows, options.parse ?? true));
  for await (const chunk of asBuffers(source)) {
    yield* batchOf((out) => body.accept(chunk, out));
  }
  if (body.mode === 'array') {
    // The held text is dropped once parsed: only the elements live on.
    yield* arrayBatches(parseArrayBody(body.takeHeld()), options.maxRows);
  } else {
    yield* batchOf((out) => body.end(out));
  }
}
