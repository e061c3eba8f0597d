export * from './granularity.js';
export * from './models/curve-point.model.js';
export * from './models/lift-point.model.js';
export * from './models/trend-point.model.js';
export * from './over-time.module.js';
export * from './over-time.service.js';
export { CONVERSION_CURVE_QUERY } from './conversion-curve.query.js';
export { LIFT_OVER_TIME_QUERY } from './lift-over-time.query.js';
export { TRIGGER_TREND_QUERY } from './trigger-trend.query.js';
