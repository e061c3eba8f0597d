export * from './cached-by-data-version.decorator.js';
export * from './result-cache.interceptor.js';
export * from './result-cache.module.js';
export * from './result-cache.service.js';
