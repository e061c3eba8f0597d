export * from './erasure.service.js';
export * from './lifecycle.module.js';
export * from './models/erasure.model.js';
export * from './person-blocklist.js';
export * from './retention.js';
export * from './backup.service.js';
export * from './models/backup.model.js';
export * from './lifecycle.exception.js';
