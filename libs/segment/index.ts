export * from './segment.exception.js';
export * from './segment.module.js';
