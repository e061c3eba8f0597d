import { z } from 'zod';
import { parseQueryTime } from '../../graphql-fields/index.js';
import { toClickHouseTime } from '../../storage/index.js';
import { MeasurementErrorCode, MeasurementException } from './measurement.exception.js';

/** Longest period one measurement may cover. */
export const MAX_PERIOD_DAYS = 400;

/** A validated half-open period [from, to), with its ClickHouse parameter forms. */
export interface Period {
  from: Date;
  to: Date;
  /** Query parameters `from` and `to` as DateTime64(3) text. */
  params: { from: string; to: string };
}

/**
 * The parameters every measure binds: the tenant and the period as DateTime64(3) text. A caller
 * passes `{ tenantId, ...period.params }`; a measure's own parameters extend this schema.
 */
export const periodParams = z.object({
  tenantId: z.string().min(1),
  from: z.string().min(1),
  to: z.string().min(1),
});
export type PeriodParams = z.infer<typeof periodParams>;

/** The parameters of a measure over a list of triggers as well (empty = every trigger). */
export const periodTriggersParams = periodParams.extend({ triggerIds: z.array(z.string()) });

/** Checks a period from an API argument: both ends valid, from < to, at most MAX_PERIOD_DAYS long. */
export function toPeriod(from: Date, to: Date): Period {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new MeasurementException(
      MeasurementErrorCode.InvalidPeriod,
      'from and to must be valid times',
    );
  }
  if (from.getTime() >= to.getTime()) {
    throw new MeasurementException(MeasurementErrorCode.InvalidPeriod, 'from must be before to');
  }
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (days > MAX_PERIOD_DAYS) {
    throw new MeasurementException(
      MeasurementErrorCode.InvalidPeriod,
      `the period is ${Math.ceil(days)} days long; at most ${MAX_PERIOD_DAYS} days per query`,
    );
  }
  return {
    from,
    to,
    params: { from: toClickHouseTime(from.getTime()), to: toClickHouseTime(to.getTime()) },
  };
}

/**
 * The days a file of the period [from, to) covers, for its name: `2026-10-05-2026-10-11`, its first
 * UTC day and the last one the period includes, as a report's title gives them (the end is
 * excluded: 5 to 12 Oct midnight is 5–11 Oct; a period ending at 06:00 includes that morning).
 */
export function periodFileDays(from: Date, to: Date): string {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const lastIncluded = new Date(Math.max(from.getTime(), to.getTime() - 1));
  return `${day(from)}-${day(lastIncluded)}`;
}

/**
 * Why a query-string parameter holds no single text, or undefined when it is absent or one text.
 * The query parser reads a parameter given more than once (`?format=csv&format=json`) as a list:
 * no one of its values is the one meant, so the routes that read the URL (the report pages, the
 * exports) throw this as their own 400 rather than pick one or fall back to a default.
 */
export function queryParamProblem(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') {
    return undefined;
  }
  const values = (Array.isArray(value) ? value : [value]).map((v) => JSON.stringify(v));
  return `${name} is given more than once (${values.join(', ')}); give it once`;
}

/**
 * The instant a query-string parameter (`?from=...`) names, or why it names none: missing, given
 * more than once, or not a time. The routes that read a period from the URL (the report pages,
 * the exports) throw the reason as their own 400.
 */
export function queryTime(name: string, value: unknown): Date | string {
  const example = 'e.g. ?from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z';
  const repeated = queryParamProblem(name, value);
  if (repeated !== undefined) {
    return repeated;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    return `${name} is required as an ISO-8601 time, ${example}`;
  }
  // Read as the API's DateTime reads its text: a time without an offset is refused, not taken in
  // the server's own time zone.
  const parsed = parseQueryTime(value);
  if (parsed.ok) {
    return new Date(parsed.ms);
  }
  // an offset after a time of day, its "+" read as a space by the query string (?from=...+02:00)
  const lostPlus = /(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/;
  if (lostPlus.test(value)) {
    return (
      `${name} ${JSON.stringify(value)} is not an ISO-8601 time: a "+" written as is in a URL ` +
      `arrives as a space; write it %2B (${value.replace(lostPlus, '$1%2B$2')}) or give the ` +
      `time in UTC with Z, ${example}`
    );
  }
  return `${name} ${JSON.stringify(value)} is not an ISO-8601 time (${parsed.message}), ${example}`;
}
