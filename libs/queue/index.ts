export * from './cron.js';
export * from './periodic-run.js';
export * from './queue.constants.js';
export * from './queue.module.js';
export * from './job-scripts.js';
export { redisDurabilityWarnings } from './redis-durability.js';
