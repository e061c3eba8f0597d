// Test helpers of the notify context, for specs and test/ only.
export * from './webhooks/testing.js';
// arms a digest as the API does at start for every stored one
export { DigestScheduler } from './digest/digest-scheduler.js';
