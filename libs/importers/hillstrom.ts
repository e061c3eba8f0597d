// The MineThatData e-mail experiment (Kevin Hillstrom, 2008) as Causeway input rows: one trigger,
// one firing per customer at the campaign's start, and the visits and purchases of the two weeks
// after it. The file has no timestamps, so the importer places every event on a fixed timeline
// (see HILLSTROM_TIMELINE); the randomized design (arm per customer) is the file's own.
//
// Pure: reads CSV text it is handed and yields rows; opening files and uploading are the caller's.
import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type {
  ConsentRow,
  ExposureRow,
  FiringRow,
  IsoTimestamp,
  SignalRow,
  TriggerRow,
} from '../ingest/index.js';
import { ImportFormatError } from './importers.errors.js';
import type { ImportedOutcomeRow, ImportRows, ImportStream } from './input-rows.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The columns of the file, in its order. */
export const HILLSTROM_COLUMNS = [
  'recency',
  'history_segment',
  'history',
  'mens',
  'womens',
  'zip_code',
  'newbie',
  'channel',
  'segment',
  'visit',
  'conversion',
  'spend',
] as const;

type Column = (typeof HILLSTROM_COLUMNS)[number];

/** The three randomized groups of the experiment, as the `segment` column names them. */
export const HILLSTROM_SEGMENTS = ['Mens E-Mail', 'Womens E-Mail', 'No E-Mail'] as const;

/** One of {@link HILLSTROM_SEGMENTS}. */
export type HillstromSegment = (typeof HILLSTROM_SEGMENTS)[number];

/** Each group's arm and variant: the No E-Mail group is the holdout. */
export const HILLSTROM_ASSIGNMENT: Readonly<
  Record<HillstromSegment, { arm: 'treatment' | 'holdout'; variant?: string }>
> = {
  'Mens E-Mail': { arm: 'treatment', variant: 'mens' },
  'Womens E-Mail': { arm: 'treatment', variant: 'womens' },
  'No E-Mail': { arm: 'holdout' },
};

/** The trigger every firing belongs to. */
export const HILLSTROM_TRIGGER_ID = 'hillstrom-email';

/** The consent purpose the campaign needs; every customer granted it before the start. */
export const HILLSTROM_CONSENT_PURPOSE = 'email_marketing';

/** Default campaign start: 2008-03-01T00:00:00Z (the file is dated 2008-03-20). */
export const HILLSTROM_START_MS = Date.UTC(2008, 2, 1);

/** Length of the campaign: the file's outcomes are those of the two weeks after the e-mail. */
export const HILLSTROM_CAMPAIGN_MS = 14 * DAY_MS;

/**
 * Where each event sits relative to the start (ms). The file only says whether a visit or purchase
 * happened within the two weeks; any instant inside (start, start + 14 days] measures the same, and
 * fixed offsets keep the import deterministic.
 */
export const HILLSTROM_TIMELINE = {
  /** Consent granted a day before the start, so every sent e-mail is compliant. */
  consent: -DAY_MS,
  /** The campaign_start signal and every firing's `decided_at` (and `dispatched_at`). */
  start: 0,
  /** `delivered` exposure of each sent e-mail. */
  delivered: MINUTE_MS,
  /** `visit` outcome. */
  visit: HOUR_MS,
  /** `purchase` outcome. */
  purchase: 2 * HOUR_MS,
} as const;

/** Options of the conversion. */
export interface HillstromOptions {
  /** Campaign start, epoch ms (default {@link HILLSTROM_START_MS}). */
  startMs?: number;
}

/** The experiment's period `[start, start + 14 days)`, to query lift over. */
export function hillstromPeriod(options: HillstromOptions = {}): {
  from: IsoTimestamp;
  to: IsoTimestamp;
} {
  const start = options.startMs ?? HILLSTROM_START_MS;
  return { from: iso(start), to: iso(start + HILLSTROM_CAMPAIGN_MS) };
}

/** The trigger definition: all six definitions of docs/design.md §2 are present, status live. */
export function hillstromTrigger(): TriggerRow {
  return {
    trigger_id: HILLSTROM_TRIGGER_ID,
    version: 1,
    name: 'MineThatData e-mail campaign (Hillstrom 2008)',
    channel: 'email',
    surface: 'campaign',
    audience: 'customers who bought in the last 12 months',
    signal_types: ['campaign_start'],
    window_ms: HILLSTROM_CAMPAIGN_MS,
    success_types: ['purchase'],
    conversion_window_ms: HILLSTROM_CAMPAIGN_MS,
    guardrail_types: ['unsubscribe'],
    // The design split customers into three equal groups, one of them without e-mail.
    holdout_pct: 1 / 3,
    frequency_cap: { max: 1, per_ms: HILLSTROM_CAMPAIGN_MS },
    suppression: { converted_lookback_ms: DAY_MS },
    consent_purpose: HILLSTROM_CONSENT_PURPOSE,
    status: 'live',
  };
}

/** One data row of the file, checked and typed. */
export interface HillstromCustomer {
  /** 1-based data row (the header is row 0): the customer's number in ids. */
  index: number;
  /** 1-based physical line of the file the row ends on (the header is line 1). */
  line: number;
  recency: number;
  history_segment: string;
  history: number;
  mens: number;
  womens: number;
  zip_code: string;
  newbie: number;
  /** Purchase channel of the past year (Phone, Web, Multichannel), not the campaign's channel. */
  channel: string;
  segment: HillstromSegment;
  visit: boolean;
  conversion: boolean;
  /** Dollars spent in the two weeks, as the file writes it (e.g. `"29.99"`, `"0"`). */
  spend: string;
  /** `spend` in ten-thousandths of a dollar (Decimal(18, 4) units), for exact sums. */
  spendUnits: number;
}

/** Raw CSV text, whole or in chunks (a file read stream qualifies). */
export type CsvChunks = string | Iterable<string | Buffer> | AsyncIterable<string | Buffer>;

/** Opens the CSV afresh: each stream is produced by its own pass over the file. */
export type CsvSource = () => CsvChunks;

const UNSIGNED_INTEGER = /^\d+$/;
const UNSIGNED_DECIMAL = /^\d+(?:\.\d+)?$/;
// Decimal(18, 4), the `outcomes.value` column: a spend with more digits would be refused there.
const MONEY = /^(\d{1,14})(?:\.(\d{1,4}))?$/;

function isSegment(value: string): value is HillstromSegment {
  return (HILLSTROM_SEGMENTS as readonly string[]).includes(value);
}

/** Field accessors that report the line and column of a bad value. */
function fieldReader(fields: readonly string[], indexOf: Record<Column, number>, line: number) {
  const text = (column: Column): string => fields[indexOf[column]] ?? '';
  const fail = (column: Column, reason: string): never => {
    throw new ImportFormatError(line, column, `${reason}, got ${JSON.stringify(text(column))}`);
  };
  return {
    text,
    integer(column: Column): number {
      const value = text(column);
      return UNSIGNED_INTEGER.test(value) ? Number(value) : fail(column, 'expected an integer');
    },
    decimal(column: Column): number {
      const value = text(column);
      return UNSIGNED_DECIMAL.test(value)
        ? Number(value)
        : fail(column, 'expected a non-negative decimal');
    },
    flag(column: Column): number {
      const value = text(column);
      return value === '0' || value === '1' ? Number(value) : fail(column, 'expected 0 or 1');
    },
    money(column: Column): { text: string; units: number } {
      const value = text(column);
      const m = MONEY.exec(value);
      if (m === null) {
        return fail(column, 'expected dollars with at most 4 decimal places');
      }
      const [, dollars = '0', fraction = ''] = m;
      return { text: value, units: Number(dollars) * 10_000 + Number(fraction.padEnd(4, '0')) };
    },
    segment(column: Column): HillstromSegment {
      const value = text(column);
      return isSegment(value)
        ? value
        : fail(column, `expected one of ${HILLSTROM_SEGMENTS.map((s) => `"${s}"`).join(', ')}`);
    },
  };
}

function headerIndex(header: readonly string[]): Record<Column, number> {
  const names = header.map((name) => name.trim());
  const missing = HILLSTROM_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    throw new ImportFormatError(1, '(header)', `missing column(s): ${missing.join(', ')}`);
  }
  return Object.fromEntries(
    HILLSTROM_COLUMNS.map((column) => [column, names.indexOf(column)]),
  ) as Record<Column, number>;
}

function toCustomer(
  fields: readonly string[],
  indexOf: Record<Column, number>,
  index: number,
  line: number,
): HillstromCustomer {
  const read = fieldReader(fields, indexOf, line);
  const spend = read.money('spend');
  return {
    index,
    line,
    recency: read.integer('recency'),
    history_segment: read.text('history_segment'),
    history: read.decimal('history'),
    mens: read.flag('mens'),
    womens: read.flag('womens'),
    zip_code: read.text('zip_code'),
    newbie: read.flag('newbie'),
    channel: read.text('channel'),
    segment: read.segment('segment'),
    visit: read.flag('visit') === 1,
    conversion: read.flag('conversion') === 1,
    spend: spend.text,
    spendUnits: spend.units,
  };
}

interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Parses the file lazily into checked customers, in file order. Throws {@link ImportFormatError}
 * on the first bad line (a randomized experiment with a customer missing is not the experiment).
 */
export async function* readHillstromCustomers(
  chunks: CsvChunks,
): AsyncGenerator<HillstromCustomer> {
  const source = Readable.from(typeof chunks === 'string' ? [chunks] : chunks);
  const parser = parse({ bom: true, info: true, skip_empty_lines: true, relax_column_count: true });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let indexOf: Record<Column, number> | undefined;
  let index = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<ParsedRecord>) {
      if (indexOf === undefined) {
        indexOf = headerIndex(record);
        continue;
      }
      if (record.length !== HILLSTROM_COLUMNS.length) {
        throw new ImportFormatError(
          info.lines,
          '(record)',
          `expected ${HILLSTROM_COLUMNS.length} fields, got ${record.length}`,
        );
      }
      index += 1;
      yield toCustomer(record, indexOf, index, info.lines);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      const line = typeof error.lines === 'number' ? error.lines : 0;
      throw new ImportFormatError(line, '(csv)', error.message);
    }
    throw error;
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (indexOf === undefined) {
    throw new ImportFormatError(1, '(header)', 'the file is empty');
  }
}

function iso(ms: number): IsoTimestamp {
  return new Date(ms).toISOString();
}

/** The timeline's instants as text, formatted once per pass rather than once per row. */
function timesFrom(options: HillstromOptions): Record<keyof typeof HILLSTROM_TIMELINE, string> {
  const start = options.startMs ?? HILLSTROM_START_MS;
  return {
    consent: iso(start + HILLSTROM_TIMELINE.consent),
    start: iso(start + HILLSTROM_TIMELINE.start),
    delivered: iso(start + HILLSTROM_TIMELINE.delivered),
    visit: iso(start + HILLSTROM_TIMELINE.visit),
    purchase: iso(start + HILLSTROM_TIMELINE.purchase),
  };
}

type Times = ReturnType<typeof timesFrom>;

/** The person-level streams: every stream but the definition. */
export type CustomerStream = Exclude<ImportStream, 'triggers'>;

function personId(customer: HillstromCustomer): string {
  return `hillstrom-${customer.index}`;
}

function consentRows(customer: HillstromCustomer, times: Times): ConsentRow[] {
  // Every customer, holdout included: consent predates the randomization and must not depend on
  // the arm; only the sent (treatment) firings need it to be compliant.
  return [
    {
      event_id: `hillstrom-c-${customer.index}`,
      person_id: personId(customer),
      purpose: HILLSTROM_CONSENT_PURPOSE,
      granted: true,
      occurred_at: times.consent,
      source: 'hillstrom-import',
    },
  ];
}

function signalRows(customer: HillstromCustomer, times: Times): SignalRow[] {
  return [
    {
      event_id: `hillstrom-s-${customer.index}`,
      person_id: personId(customer),
      type: 'campaign_start',
      occurred_at: times.start,
      // A scheduled send to a list chosen on purchase history, not a reaction to behavior.
      kind: 'identity',
      source: 'minethatdata',
      // The customer's pre-treatment covariates, as the file gives them.
      properties: {
        recency: customer.recency,
        history_segment: customer.history_segment,
        history: customer.history,
        mens: customer.mens,
        womens: customer.womens,
        zip_code: customer.zip_code,
        newbie: customer.newbie,
        channel: customer.channel,
      },
    },
  ];
}

function firingRows(customer: HillstromCustomer, times: Times): FiringRow[] {
  const { arm, variant } = HILLSTROM_ASSIGNMENT[customer.segment];
  const firing: FiringRow = {
    firing_id: `hillstrom-f-${customer.index}`,
    trigger_id: HILLSTROM_TRIGGER_ID,
    trigger_version: 1,
    person_id: personId(customer),
    decided_at: times.start,
    arm,
    signal_event_id: `hillstrom-s-${customer.index}`,
    signal_at: times.start,
    channel: 'email',
    surface: 'campaign',
  };
  return [arm === 'treatment' ? { ...firing, dispatched_at: times.start, variant } : firing];
}

function exposureRows(customer: HillstromCustomer, times: Times): ExposureRow[] {
  if (HILLSTROM_ASSIGNMENT[customer.segment].arm !== 'treatment') {
    return [];
  }
  return [
    {
      event_id: `hillstrom-d-${customer.index}`,
      firing_id: `hillstrom-f-${customer.index}`,
      type: 'delivered',
      occurred_at: times.delivered,
    },
  ];
}

/**
 * Whether the customer gets a `purchase` outcome. The published "spend per customer" is the mean
 * of `spend` over all customers of a group, and Causeway's revenue per person sums the values of
 * purchases; so any spend must become a purchase even without `conversion` = 1. In the published
 * file the two coincide (spend > 0 exactly when conversion = 1), so the conversion counts hold too.
 */
export function hillstromPurchases(customer: HillstromCustomer): boolean {
  return customer.conversion || customer.spendUnits > 0;
}

function outcomeRows(customer: HillstromCustomer, times: Times): ImportedOutcomeRow[] {
  const rows: ImportedOutcomeRow[] = [];
  if (customer.visit) {
    rows.push({
      outcome_id: `hillstrom-v-${customer.index}`,
      person_id: personId(customer),
      type: 'visit',
      occurred_at: times.visit,
    });
  }
  if (hillstromPurchases(customer)) {
    rows.push({
      outcome_id: `hillstrom-p-${customer.index}`,
      person_id: personId(customer),
      type: 'purchase',
      occurred_at: times.purchase,
      value: customer.spend,
      currency: 'USD',
    });
  }
  return rows;
}

function rowsFor<S extends CustomerStream>(
  stream: S,
  customer: HillstromCustomer,
  times: Times,
): ImportRows[S][] {
  switch (stream) {
    case 'consent':
      return consentRows(customer, times) as ImportRows[S][];
    case 'signals':
      return signalRows(customer, times) as ImportRows[S][];
    case 'firings':
      return firingRows(customer, times) as ImportRows[S][];
    case 'exposures':
      return exposureRows(customer, times) as ImportRows[S][];
    case 'outcomes':
      return outcomeRows(customer, times) as ImportRows[S][];
  }
  throw new Error(`unknown stream ${String(stream)}`);
}

/** Every row one customer contributes, per stream (for inspection and tests). */
export function hillstromCustomerRows(
  customer: HillstromCustomer,
  options: HillstromOptions = {},
): { [S in CustomerStream]: ImportRows[S][] } {
  const times = timesFrom(options);
  return {
    consent: rowsFor('consent', customer, times),
    signals: rowsFor('signals', customer, times),
    firings: rowsFor('firings', customer, times),
    exposures: rowsFor('exposures', customer, times),
    outcomes: rowsFor('outcomes', customer, times),
  };
}

/**
 * The rows of one stream, lazily: the definition for `triggers`, otherwise one pass over a fresh
 * copy of the file. Per customer i (1-based data row), person `hillstrom-<i>`:
 * - consent: `email_marketing` granted a day before the start;
 * - signals: one `campaign_start` at the start, carrying the customer's covariates;
 * - firings: `hillstrom-f-<i>` at the start referencing the signal; `holdout` for No E-Mail, else
 *   `treatment` with variant `mens` / `womens`, dispatched at the start;
 * - exposures: `delivered` a minute after the start, treatment only;
 * - outcomes: `visit` an hour after the start when visit = 1; `purchase` two hours after it, its
 *   value the spend as written, when conversion = 1 or spend > 0 (see {@link hillstromPurchases}).
 */
export async function* hillstromRows<S extends ImportStream>(
  stream: S,
  source: CsvSource,
  options: HillstromOptions = {},
): AsyncGenerator<ImportRows[S]> {
  if (stream === 'triggers') {
    yield hillstromTrigger() as ImportRows[S];
    return;
  }
  const times = timesFrom(options);
  for await (const customer of readHillstromCustomers(source())) {
    yield* rowsFor(stream as S & CustomerStream, customer, times);
  }
}

/** Per group: what the published figures are computed from. */
export interface HillstromSegmentSummary {
  /** Customers. */
  n: number;
  /** Customers with visit = 1. */
  visits: number;
  /** Customers with conversion = 1. */
  conversions: number;
  /** Sum of spend, dollars (summed exactly in ten-thousandths). */
  spend: number;
}

/** What the file holds, as the importer read it. */
export interface HillstromSummary {
  customers: number;
  bySegment: Record<HillstromSegment, HillstromSegmentSummary>;
  /** Customers with spend > 0 but conversion = 0 (they still get a purchase; 0 in the file). */
  spendWithoutConversion: number;
  /** Customers with conversion = 1 but spend = 0 (a purchase of value 0; 0 in the file). */
  conversionWithoutSpend: number;
}

/** Counts customers, visits, conversions and spend per group in one pass over the file. */
export async function summarizeHillstrom(chunks: CsvChunks): Promise<HillstromSummary> {
  const units = { 'Mens E-Mail': 0, 'Womens E-Mail': 0, 'No E-Mail': 0 };
  const empty = (): HillstromSegmentSummary => ({ n: 0, visits: 0, conversions: 0, spend: 0 });
  const summary: HillstromSummary = {
    customers: 0,
    bySegment: { 'Mens E-Mail': empty(), 'Womens E-Mail': empty(), 'No E-Mail': empty() },
    spendWithoutConversion: 0,
    conversionWithoutSpend: 0,
  };
  for await (const customer of readHillstromCustomers(chunks)) {
    const segment = summary.bySegment[customer.segment];
    summary.customers += 1;
    segment.n += 1;
    segment.visits += customer.visit ? 1 : 0;
    segment.conversions += customer.conversion ? 1 : 0;
    units[customer.segment] += customer.spendUnits;
    if (customer.spendUnits > 0 && !customer.conversion) {
      summary.spendWithoutConversion += 1;
    }
    if (customer.conversion && customer.spendUnits === 0) {
      summary.conversionWithoutSpend += 1;
    }
  }
  for (const segment of HILLSTROM_SEGMENTS) {
    summary.bySegment[segment].spend = units[segment] / 10_000;
  }
  return summary;
}
