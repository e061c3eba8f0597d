// Test helpers of the measurement lib (fixtures on the embedded engine); specs only.
export * from './common/testing.js';
