export * from './consent-audit.module.js';
export * from './consent-audit.query.js';
export * from './consent-audit.service.js';
export * from './models/consent-audit.model.js';
