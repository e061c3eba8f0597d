export * from './errors.filter.js';
export * from './logger.js';
export * from './request-metrics.middleware.js';
