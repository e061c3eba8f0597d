export * from './core.js';
export * from './ingest.exception.js';
export { insertStorageLines } from './ingest-writer.js';
export * from './ingest.module.js';
export * from './ingest.service.js';
export * from './input-rows.js';
export * from './stored-batches.js';
export { StreamEnum } from './stream.enum.js';
export {
  FIELD_TYPES,
  REQUIRED_UNLESS_DRAFT,
  STREAM_DECLARATIONS,
  type FieldDeclaration,
  type FieldType,
  type StreamDeclaration,
} from './streams/index.js';
