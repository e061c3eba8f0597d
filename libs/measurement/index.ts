export * from './common/measurement.exception.js';
export * from './common/outcome-classes.js';
export * from './common/period.js';
export * from './common/sql.js';
export * from './guardrails/guardrails.module.js';
export { GUARDRAILS_QUERY, PLAIN_GUARDRAILS_QUERY } from './guardrails/guardrails.query.js';
export * from './guardrails/guardrails.service.js';
export * from './guardrails/models/guardrail-lift.model.js';
export * from './lift/lift.module.js';
export * from './lift/assignment-rollup.js';
export * from './lift/assignment-rollup.refresher.js';
export {
  LIFT_BY_ARM_QUERY,
  LIFT_QUERY,
  PLAIN_LIFT_BY_ARM_QUERY,
  CAPPED_LIFT_BY_ARM_QUERY,
  PLAIN_LIFT_QUERY,
} from './lift/lift.query.js';
export {
  holdoutCaveat,
  MIN_CONVERSIONS_PER_ARM,
  MIN_PERSONS_PER_ARM,
  pointsText,
  pValueText,
  type HoldoutEvidence,
} from './lift/lift.calculator.js';
export * from './lift/lift.service.js';
export * from './lift/models/lift.model.js';
export * from './lift/deeper.service.js';
export * from './lift/models/deeper.model.js';
export * from './lift/models/segments.model.js';
export {
  FIRING_PROPERTY_KEYS_QUERY,
  LIFT_SEGMENTS_QUERY,
  type SegmentDimensionName,
} from './lift/segments.query.js';
export { RevenueCapInput } from './lift/dto/lift.args.js';
export { TRIGGER_INTERACTIONS_QUERY } from './lift/interactions.query.js';
export * from './consent/index.js';
export * from './pressure/index.js';
export * from './suppression/index.js';
export * from './freshness/freshness.module.js';
export * from './freshness/freshness.service.js';
export * from './freshness/models/exceeded-window.model.js';
export * from './freshness/models/freshness-stats.model.js';
export * from './latency/dto/latency-dimension.enum.js';
export * from './latency/latency.module.js';
export { TRIGGER_LATENCY_QUERY } from './latency/latency.query.js';
export * from './latency/latency.service.js';
export * from './latency/models/latency-stats.model.js';
export * from './attribution/index.js';
export * from './maturity/index.js';
export * from './timeline/index.js';
export * from './over-time/index.js';
export * from './measures.module.js';
