// Test helpers of the notify context, for specs and test/ only.
export * from './webhooks/testing.js';
// arms a digest as the API does at start for every stored one
export { DigestScheduler } from './digest/digest-scheduler.js';
// sends a scheduled digest as the queue's job and the API's timer do, again after a crash
export { DigestSender } from './digest/digest-sender.js';
