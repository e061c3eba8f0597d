// A CSV file the engine refuses for its shape, made one it reads (docs/design.md §11). The engine
// reads a CSV file whole or not at all: a blank line between rows, or a row with more or fewer
// cells than the header names, ends the read. Producers write both (a hand-edited export, files
// joined with a blank line between them, a cell holding the delimiter left unquoted), so such a
// file is read once more from a copy that holds the header and every other row, without the blank
// lines, and each row left out is rejected as an NDJSON line that is not JSON is. Written by hand:
// the records must be split exactly as the engine splits them (tabular.ts), which no CSV library
// does, and the file is only walked when the engine has refused it.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { ParsedLine } from './types.js';

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Bytes of one record kept to copy it or to show it: past this, a record is most likely a quote
 * never closed that runs to the end of the file, and is rejected.
 */
const MAX_RECORD_BYTES = 16 << 20;

/** The copy of a CSV file that the engine reads, and the rows left out of it, by row number. */
export interface CsvRepair {
  path: string;
  /** The rows left out, in order, as rejected lines (`parseError`) numbered as in the file. */
  faults: ParsedLine[];
  remove(): Promise<void>;
}

/** How one record stands once read: cells counted, and what is wrong with it, if anything. */
interface RecordState {
  parts: Buffer[];
  bytes: number;
  cells: number;
  quoted: boolean;
  /** A quote just closed a cell: the delimiter or the end of the line must follow. */
  closed: boolean;
  cellStart: boolean;
  problem: string | undefined;
  /** The line of the file it starts on, from 1. */
  line: number;
}

const newRecord = (line: number): RecordState => ({
  parts: [],
  bytes: 0,
  cells: 1,
  quoted: false,
  closed: false,
  cellStart: true,
  problem: undefined,
  line,
});

const cellsOf = (count: number) => `${count} cell${count === 1 ? '' : 's'}`;

/** Walks a CSV file record by record, as the engine splits it (see csvRecord in tabular.ts). */
class CsvWalker {
  private record = newRecord(1);
  private line = 1;
  /** The last byte read was a CR. */
  private lastCr = false;
  /** A CR ended the last record: an LF right after it belongs to the same line end. */
  private endedByCr = false;
  private index = 0;
  private row = 0;
  private blankLines = 0;
  readonly faults: ParsedLine[] = [];

  constructor(
    private readonly delimiter: number,
    private readonly columns: number,
    private readonly copy: WriteStream,
  ) {}

  /** Whether the copy differs from the file in more than its trailing blank lines. */
  get changed(): boolean {
    return this.faults.length > 0 || this.blankLines > 0;
  }

  async walk(chunk: Buffer): Promise<void> {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      // A line ends with LF, CRLF or a CR alone (as Excel for Mac writes): each counts once.
      const crlf = byte === LF && this.lastCr;
      this.lastCr = byte === CR;
      if (!crlf && (byte === LF || byte === CR)) {
        this.line++;
      }
      if (crlf && this.endedByCr) {
        this.endedByCr = false;
        from = i + 1;
        continue;
      }
      this.endedByCr = false;
      if (this.step(byte)) {
        this.keep(chunk.subarray(from, i));
        from = i + 1;
        this.endedByCr = byte === CR;
        await this.end();
      }
    }
    this.keep(chunk.subarray(from));
  }

  /** Ends the file: a record without a line end after it is a record too. */
  async finish(): Promise<void> {
    if (this.record.quoted) {
      this.record.problem = 'a quoted cell opens and is never closed';
    }
    if (this.record.bytes > 0 || this.record.problem !== undefined) {
      await this.end();
    }
    // Blank lines after the last row are read past by the engine: they are no repair.
    this.blankLines -= this.trailingBlank;
  }

  private trailingBlank = 0;

  /** Reads one byte into the record; true when it ends the record. */
  private step(byte: number): boolean {
    const record = this.record;
    if (record.quoted) {
      // A doubled quote inside a quoted cell closes it and opens it again: the same as one quote.
      if (byte === QUOTE) {
        record.quoted = false;
        record.closed = true;
      }
      return false;
    }
    if (byte === QUOTE && record.cellStart) {
      record.quoted = true;
      record.cellStart = false;
      return false;
    }
    if (byte === LF || byte === CR) {
      return true;
    }
    if (record.closed && byte === QUOTE) {
      record.quoted = true;
    } else if (byte === this.delimiter) {
      record.cells++;
    } else if (record.closed) {
      record.problem ??= 'a quoted cell is followed by text before the next delimiter';
    }
    record.closed = false;
    record.cellStart = byte === this.delimiter;
    return false;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) {
      return;
    }
    const record = this.record;
    record.bytes += bytes.length;
    if (record.bytes <= MAX_RECORD_BYTES) {
      record.parts.push(bytes);
    } else {
      record.problem ??= `a row longer than ${MAX_RECORD_BYTES >> 20} MiB: most likely a quote never closed`;
    }
  }

  private async end(): Promise<void> {
    const record = this.record;
    this.record = newRecord(this.line);
    const index = this.index++;
    if (index === 0) {
      // The header, read already (csvLayout).
      await this.write(Buffer.concat([...record.parts, Buffer.of(LF)]));
      return;
    }
    if (record.bytes === 0) {
      this.blankLines++;
      this.trailingBlank++;
      return;
    }
    this.trailingBlank = 0;
    const problem =
      record.problem ??
      (record.cells !== this.columns
        ? `the row has ${cellsOf(record.cells)} where the header names ${this.columns} columns`
        : undefined);
    this.row++;
    if (problem === undefined) {
      await this.write(Buffer.concat([...record.parts, Buffer.of(LF)]));
      return;
    }
    this.faults.push({
      line: this.row,
      raw: Buffer.concat(record.parts).toString('utf8'),
      parseError: `${problem} (the row starts on line ${record.line} of the file); it was left out`,
    });
  }

  private async write(bytes: Buffer): Promise<void> {
    if (!this.copy.write(bytes)) {
      await once(this.copy, 'drain');
    }
  }
}

/**
 * A copy of the CSV file at `path` holding its header and each row of as many cells as the header
 * names, without blank lines; undefined when the file has no row to leave out and no blank line
 * before its last row (the engine's refusal has another cause). Rows are numbered as the engine
 * numbers them: from 1 after the header, blank lines not counted.
 */
export async function repairedCsv(
  path: string,
  delimiter: string,
  columns: number,
): Promise<CsvRepair | undefined> {
  const directory = await mkdtemp(join(tmpdir(), 'causeway-csv-'));
  const remove = () => rm(directory, { recursive: true, force: true });
  try {
    const copyPath = join(directory, 'rows.csv');
    const copy = createWriteStream(copyPath);
    const walker = new CsvWalker(delimiter.charCodeAt(0), columns, copy);
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      await walker.walk(chunk as Buffer);
    }
    await walker.finish();
    copy.end();
    await once(copy, 'close');
    if (!walker.changed) {
      await remove();
      return undefined;
    }
    return { path: copyPath, faults: walker.faults, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** The lines of the repaired copy numbered as the rows of the file, the rows left out in place. */
export async function* repairedLines(
  copyLines: AsyncIterable<ParsedLine[]>,
  faults: readonly ParsedLine[],
): AsyncGenerator<ParsedLine[]> {
  let next = 0;
  let row = 0;
  const upTo = (out: ParsedLine[]) => {
    while (next < faults.length && faults[next].line === row + 1) {
      row++;
      out.push(faults[next++]);
    }
  };
  for await (const lines of copyLines) {
    const out: ParsedLine[] = [];
    for (const line of lines) {
      upTo(out);
      row++;
      out.push({ ...line, line: row });
    }
    yield out;
  }
  const out: ParsedLine[] = [];
  upTo(out);
  yield out;
}
