import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DemoStream } from '../demo/index.js';
import type { ClickHouseService } from '../storage/index.js';
import { syncToDisk, type IngestSample } from './ingest-sample.js';

/** One file of the Parquet backfill: rows of one stream. */
export interface ParquetFile {
  stream: DemoStream;
  rows: number;
  path: string;
}

/** Rows per Parquet file at most: a warehouse exports a table as files of bounded size. */
export const PARQUET_FILE_ROWS = 100_000;

/**
 * Writes the lines of a sample as Parquet, by ClickHouse itself: each stream's lines, in files of
 * whole batches up to PARQUET_FILE_ROWS rows, read as JSONEachRow with the types the engine infers
 * from all of them (times become timestamps, nested objects JSON text as a warehouse exports a JSON
 * column). Answers the files in the order of the streams' first batches.
 */
export async function writeParquetFiles(
  clickhouse: ClickHouseService,
  sample: IngestSample,
  dir: string,
): Promise<ParquetFile[]> {
  const text = readFileSync(sample.path);
  const parts: { stream: DemoStream; rows: number; bodies: Buffer[] }[] = [];
  const open = new Map<DemoStream, (typeof parts)[number]>();
  let at = 0;
  for (const { stream, lines, bytes } of sample.batches) {
    const body = text.subarray(at, at + bytes);
    at += bytes;
    let part = open.get(stream);
    if (part === undefined || part.rows + lines > PARQUET_FILE_ROWS) {
      part = { stream, rows: 0, bodies: [] };
      parts.push(part);
      open.set(stream, part);
    }
    part.rows += lines;
    part.bodies.push(body);
  }
  const files: ParquetFile[] = [];
  for (const [index, part] of parts.entries()) {
    const name = `${String(index).padStart(3, '0')}-${part.stream}`;
    const ndjson = join(dir, `${name}.ndjson`);
    const path = join(dir, `${name}.parquet`);
    writeFileSync(ndjson, Buffer.concat(part.bodies));
    const output: Readable = await clickhouse.stream({
      tag: 'bench.parquet',
      sql: `SELECT * FROM file({path:String}, JSONEachRow)
            SETTINGS input_format_json_read_objects_as_strings = 1,
              input_format_json_try_infer_named_tuples_from_objects = 0,
              input_format_max_rows_to_read_for_schema_inference = ${PARQUET_FILE_ROWS},
              input_format_max_bytes_to_read_for_schema_inference = ${1 << 30}`,
      params: { path: ndjson },
      format: 'Parquet',
    });
    await pipeline(output, createWriteStream(path));
    syncToDisk(path);
    rmSync(ndjson);
    files.push({ stream: part.stream, rows: part.rows, path });
  }
  return files;
}
