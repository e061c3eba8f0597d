export * from './models/trigger.model.js';
export * from './readiness.js';
export * from './triggers.module.js';
export * from './triggers.repository.js';
export * from './triggers.service.js';
