// The messages a time is refused with, as the specs of its readers expect them (written out here,
// not taken from the code under test).

export const NO_OFFSET =
  'timestamp has no UTC offset; add Z or ±hh:mm (naive local times are ambiguous)';
export const YEAR_RANGE = 'year must be between 2000 and 2100 (UTC)';
export const NOT_A_DATE = 'not a valid calendar date and time';
export const NOT_AN_OFFSET = 'not a valid UTC offset';
export const EPOCH_SECONDS = 'looks like epoch seconds; expected epoch milliseconds';
export const SECONDS_WITH_FRACTION =
  'looks like epoch seconds with a fraction (as Jackson writes an Instant); expected epoch milliseconds (a whole number) or an ISO-8601 timestamp with offset';

/** The refusal of a time written with a zone name other than UTC. */
export const zoneNotRead = (name: string) =>
  `the time zone name ${name} is not read; write Z, UTC or the offset (±hh:mm)`;
