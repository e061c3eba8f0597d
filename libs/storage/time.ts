/** Formats epoch milliseconds as a ClickHouse DateTime64(3, 'UTC') literal: `YYYY-MM-DD hh:mm:ss.mmm`. */
export function toClickHouseTime(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** Parses a ClickHouse DateTime64 text in UTC back to epoch milliseconds. */
export function fromClickHouseTime(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

let lastRowVersion = 0;

/**
 * The version of a row written now to a ReplacingMergeTree: microseconds since the epoch (the
 * milliseconds, then a random part, so that two processes writing in one millisecond differ),
 * and above every version this process gave before, so that its later write of a key always wins,
 * also within one millisecond and when the clock steps back.
 */
export function rowVersion(): number {
  const now = Date.now() * 1000 + Math.floor(Math.random() * 1000);
  lastRowVersion = Math.max(lastRowVersion + 1, now);
  return lastRowVersion;
}

/** A Date as a DateTime64(3, 'UTC') literal; null (a time not set) stays null. */
export function dateToClickHouse(date: Date): string;
export function dateToClickHouse(date: Date | null): string | null;
export function dateToClickHouse(date: Date | null): string | null {
  return date === null ? null : toClickHouseTime(date.getTime());
}

/** A DateTime64 text in UTC as a Date; null (a time not set) stays null. */
export function dateFromClickHouse(text: string): Date;
export function dateFromClickHouse(text: string | null): Date | null;
export function dateFromClickHouse(text: string | null): Date | null {
  return text === null ? null : new Date(fromClickHouseTime(text));
}
