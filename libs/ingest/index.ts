export * from './core.js';
export { emptyArrayAsObject, inexactNumber } from './fields.js';
export { ACCEPTED_ENCODINGS, decodedBody, UnsupportedEncodingError } from './content-encoding.js';
export * from './ingest.exception.js';
export {
  firstCopyOf,
  insertStorageLines,
  IngestWriter,
  SAME_REFUSED_LINE,
  SEGMENT_REFUSALS,
  type RefusedLine,
} from './ingest-writer.js';
export { IngestProcessor } from './ingest.processor.js';
export {
  QueuedBatchRetention,
  WRITTEN_BATCH_KEPT_MS,
  type BatchSweep,
} from './queued-batch-retention.js';
export * from './ingest.module.js';
export * from './ingest.service.js';
export * from './input-rows.js';
export * from './stored-batches.js';
export { StreamEnum } from './stream.enum.js';
export {
  DEFINITIONS,
  DEFINITION_FIELDS,
  DEVICE_TIME_ACCEPTS,
  deviceClockFields,
  FIELD_TYPES,
  missingDefinitions,
  REQUIRED_UNLESS_DRAFT,
  STREAM_DECLARATIONS,
  TIME_FIELD_NAMES,
  type FieldDeclaration,
  type Definition,
  type FieldType,
  type StreamDeclaration,
  type TriggerFields,
} from './streams/index.js';
