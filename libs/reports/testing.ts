// Test helpers of the reports lib (hand-made measures for the renderer); specs only.
export * from './render/testing.js';
