// The readiness rule is the triggers stream's (libs/ingest): defineTrigger, the stream and the
// `ready`/`missing` fields read the same one.
export {
  DEFINITIONS,
  DEFINITION_FIELDS,
  missingDefinitions,
  type Definition,
  type TriggerFields,
} from '../ingest/index.js';
