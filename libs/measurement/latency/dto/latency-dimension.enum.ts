import { registerDocumentedEnum } from '../../../graphql-fields/index.js';

/** A dimension that splits a trigger's latency beyond the trigger itself. */
export enum LatencyDimension {
  CHANNEL = 'channel',
  DAY = 'day',
}

registerDocumentedEnum(
  LatencyDimension,
  'LatencyDimension',
  'A dimension to split latency by; the trigger is always one.',
  {
    CHANNEL: "The firing's channel (the trigger's channel when the firing names none).",
    DAY: 'The UTC day of decided_at, as YYYY-MM-DD.',
  },
);
