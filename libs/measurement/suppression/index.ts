export * from './cap-breaches.sql.js';
export * from './models/suppression.model.js';
export * from './suppression.module.js';
export * from './suppression.query.js';
export * from './suppression.service.js';
