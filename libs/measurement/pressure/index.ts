export * from './models/pressure.model.js';
export * from './pressure.module.js';
export * from './pressure.query.js';
export * from './pressure.service.js';
