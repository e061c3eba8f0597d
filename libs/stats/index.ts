// Public entry of libs/stats: pure functions from sufficient statistics to estimates, intervals
// and p-values, and the rounding they are printed with. No Nest, no I/O, no clocks.
export * from './errors.js';
export * from './types.js';
export * from './normal.js';
export * from './gamma.js';
export * from './chi-square.js';
export * from './proportions.js';
export * from './means.js';
export * from './srm.js';
export * from './cuped.js';
export * from './sequential.js';
export * from './multiple.js';
export * from './power.js';
export * from './bayesian.js';
export * from './heterogeneity.js';
export * from './quantile.js';
export * from './holdout-plan.js';
export * from './interaction.js';
export * from './rounding.js';
