export * from './attribution.module.js';
export * from './attribution.query.js';
export * from './attribution.service.js';
export * from './dto/attribution-model.enum.js';
export * from './dto/attribution.args.js';
export * from './models/trigger-attribution.model.js';
