/** A run of consecutive NDJSON lines of one stream, small enough for one upload. */
export interface NdjsonBatch {
  /** 1-based number, in the whole stream, of the batch's first line. */
  firstLine: number;
  /** Lines in `text`. */
  lines: number;
  /** The lines, each ending in `\n`. */
  text: string;
}

/**
 * Serializes rows lazily into batches of at most `batchLines` NDJSON lines, so a stream of any
 * length is uploaded without holding all of it. No rows, no batch.
 */
export async function* ndjsonBatches(
  rows: AsyncIterable<object> | Iterable<object>,
  batchLines: number,
): AsyncGenerator<NdjsonBatch> {
  if (!Number.isInteger(batchLines) || batchLines < 1) {
    throw new RangeError(`batchLines must be a positive integer, got ${batchLines}`);
  }
  let firstLine = 1;
  let lines: string[] = [];
  for await (const row of rows) {
    lines.push(JSON.stringify(row));
    if (lines.length === batchLines) {
      yield { firstLine, lines: lines.length, text: `${lines.join('\n')}\n` };
      firstLine += lines.length;
      lines = [];
    }
  }
  if (lines.length > 0) {
    yield { firstLine, lines: lines.length, text: `${lines.join('\n')}\n` };
  }
}
