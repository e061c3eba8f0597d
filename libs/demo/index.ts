// Demo data for Causeway: a seeded personalization program with planted effects, its NDJSON, and
// the reference answers of docs/design.md §3 computed independently from the rows.

export {
  generateProgram,
  generateProgramStream,
  programPeriod,
  type GeneratedProgram,
  type ProgramChunk,
  type ProgramOptions,
  type ProgramStreamOptions,
} from './generate.js';
export { MALFORMED_KINDS, malformedLines, type MalformedKind } from './malformed.js';
export {
  serializeProgram,
  toNdjson,
  type SerializeOptions,
  type SerializedStream,
} from './ndjson.js';
export { plantedFacts, type PlantedFacts } from './program.js';
export {
  DEMO_STREAMS,
  rowIdentity,
  type Arm,
  type ConsentRow,
  type DemoStream,
  type ExposureRow,
  type ExposureType,
  type FiringRow,
  type IsoTimestamp,
  type LinesByStream,
  type OutcomeRow,
  type Period,
  type ProgramRows,
  type SignalKind,
  type SignalRow,
  type TriggerRow,
  type TriggerStatus,
} from './rows.js';
export {
  DEFINITION_NAMES,
  OVERWHELM_TYPES,
  PRESSURE_BUCKETS,
  REGRET_TYPES,
  computeTruth,
  indexProgram,
  missingDefinitions,
  type ArmTruth,
  type ConsentTruth,
  type DedupTruth,
  type LatencyTruth,
  type LiftTruth,
  type PressureBucketTruth,
  type PressureTruth,
  type ProgramTruth,
  type SuppressionTruth,
  type TriggerTruth,
  type TruthIndex,
  type TruthOptions,
} from './truth.js';
export * from './truth-over-time.js';
export {
  DEEPER_PERSONS_PER_SCENARIO,
  DEEPER_PLANTED,
  deeperTriggerDefinitions,
  generateDeeperRows,
  plantedDeeperFacts,
} from './deeper.js';
export type { PlantedDeeperFacts } from './deeper-facts.js';
export {
  OVER_TIME_PERSONS,
  OVER_TIME_PLANTED,
  expectedNoveltyRelativeLift,
  generateOverTimeRows,
  overTimeDecisionSpan,
  overTimeTriggerDefinitions,
  plantedOverTimeFacts,
} from './over-time-block.js';
export type { PlantedOverTimeFacts } from './over-time-facts.js';
export {
  armsTruth,
  cappedRevenueTruth,
  computeDeeperTruth,
  interactionTruth,
  segmentTruth,
  type7Quantile,
  type CountsTruth,
  type DeeperTruth,
  type InteractionTruth,
  type SegmentTruth,
} from './truth-deeper.js';
