export * from './api-keys.service.js';
export * from './auth.errors.js';
export * from './auth.guard.js';
export * from './auth.module.js';
export * from './keys.js';
export * from './presented-key.js';
export * from './models/created-api-key.model.js';
export * from './models/api-key-info.model.js';
