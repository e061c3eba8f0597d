// Test helpers of the notify context, for specs and test/ only.
export * from './webhooks/testing.js';
