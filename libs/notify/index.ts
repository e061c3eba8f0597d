export * from './notify.exception.js';
export * from './notify.module.js';
export * from './webhooks/address-guard.js';
export * from './webhooks/webhook-events.js';
export * from './webhooks/webhook-signature.js';
export * from './webhooks/webhook.job.js';
export * from './webhooks/webhooks.repository.js';
export * from './webhooks/webhooks.service.js';
