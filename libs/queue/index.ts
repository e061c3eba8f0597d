export * from './queue.constants.js';
export * from './queue.module.js';
