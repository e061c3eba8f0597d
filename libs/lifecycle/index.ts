export * from './lifecycle.module.js';
