export * from './dto/maturity.args.js';
export * from './maturity.assessment.js';
export * from './maturity.module.js';
export * from './maturity.query.js';
export * from './maturity.service.js';
export * from './maturity.thresholds.js';
export * from './models/maturity-assessment.model.js';
