export * from './bi.exception.js';
export * from './bi.module.js';
export * from './datasets.js';
export * from './exports.service.js';
export * from './bi-user.js';
export * from './computed-datasets.js';
