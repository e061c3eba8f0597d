// Helpers for the specs of more than one lib; nothing here runs in the service.
export * from './graphql-schema.js';
export * from './warnings.js';
export * from './logged-errors.js';
export * from './refused-rows.js';
export * from './deferred.js';
