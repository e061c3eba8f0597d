// The pure part of ingestion: no Nest, no I/O, no environment. The Nest service, controller and
// processor import it from here; other libs import it through index.ts.
export { IngestLimitError } from './limit-error.js';
export { limitedBody } from './limited-body.js';
export { parseBody, parseBodyBatches } from './parse-body.js';
export { prepareBatch, rejectedRecord } from './prepare-batch.js';
export { isStream, STREAMS, tableOf, type StreamName } from './streams.js';
export type {
  IgnoredField,
  IngestLimits,
  LineResult,
  LineSource,
  ParsedLine,
  PreparedBatch,
  RejectedRecord,
  RowError,
  StorageLine,
  ValidationContext,
  ValidRow,
} from './types.js';
export { validateRow } from './validate-row.js';
export {
  correctSkew,
  DEVICE_CLOCK_EARLIEST_MS,
  EXPECTED_TIMESTAMP,
  MAX_TIME_MS,
  MIN_TIME_MS,
  parseDeviceTimestamp,
  parseIsoTime,
  parseTimestamp,
  pipelineArrival,
  type ParsedTime,
} from './timestamps.js';
export { IMPORT_FORMATS, importMediaType, tabularRow, type ImportMediaType } from './tabular.js';
