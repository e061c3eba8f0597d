export * from './json-schema.js';
export * from './reference.module.js';
export * from './stream-reference.js';
