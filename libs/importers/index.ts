// Importers of public data sets: pure conversion of a source file into Causeway input rows
// (docs/design.md §2). Uploading them is the caller's (the CLI sends them through the ingest API).
export * from './hillstrom.js';
export * from './importers.errors.js';
export * from './input-rows.js';
export * from './ndjson.js';
