export * from './common/measurement.exception.js';
export * from './common/outcome-classes.js';
export * from './common/period.js';
export * from './common/sql.js';
export * from './common/testing.js';
