// Test helpers of the demo lib; specs only.

/**
 * The fields of the input rows that hold a time (docs/design.md §2), written out from the design
 * rather than read from the stream declarations the demo's code uses.
 */
export const TIME_FIELDS = [
  'occurred_at',
  'decided_at',
  'signal_at',
  'dispatched_at',
  'computed_at',
  'recorded_at',
];
