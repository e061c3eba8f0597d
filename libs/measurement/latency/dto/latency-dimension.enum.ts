import { registerEnumType } from '@nestjs/graphql';

/** A dimension that splits a trigger's latency beyond the trigger itself. */
export enum LatencyDimension {
  CHANNEL = 'channel',
  DAY = 'day',
}

registerEnumType(LatencyDimension, {
  name: 'LatencyDimension',
  description: 'A dimension to split latency by; the trigger is always one.',
  valuesMap: {
    CHANNEL: {
      description: "The firing's channel (the trigger's channel when the firing names none).",
    },
    DAY: { description: 'The UTC day of decided_at, as YYYY-MM-DD.' },
  },
});
