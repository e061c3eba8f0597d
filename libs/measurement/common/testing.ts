import { beforeAll } from '@jest/globals';
import { insertStorageLines, prepareBatch, STREAMS, type StreamName } from '../../ingest/index.js';
import { MemoryDataVersions, type ClickHouseService } from '../../storage/index.js';
import { TrendFacts } from '../over-time/trend-facts.js';
import { storeForSuite, type TemporaryStore } from '../../storage/testing.js';

type StreamRows = Partial<Record<StreamName, readonly object[]>>;

/**
 * Writes input rows (as producers send them) for a tenant through the real validation, into the
 * real tables: the fixture path of measurement tests. Throws if any row is rejected, so a test
 * never measures less than it meant to store.
 */
export async function seedRows(
  clickhouse: ClickHouseService,
  tenantId: string,
  rows: StreamRows,
  receivedAt = Date.now(),
): Promise<void> {
  for (const stream of STREAMS) {
    const input = rows[stream];
    if (input === undefined || input.length === 0) {
      continue;
    }
    const batch = await prepareBatch(
      stream,
      input.map((value, index) => ({ line: index + 1, raw: JSON.stringify(value), value })),
      {
        tenantId,
        receivedAt,
        limits: { maxRows: 10_000_000, maxFieldChars: 4096, maxBodyBytes: 1 << 30 },
      },
    );
    if (batch.rejected > 0) {
      throw new Error(`seedRows: ${stream} rejected ${JSON.stringify(batch.errors.slice(0, 3))}`);
    }
    await insertStorageLines(clickhouse, stream, batch.ndjson, 'test.seed');
  }
}

/**
 * The fields of the six definitions (docs/design.md §2) a live trigger needs and a measurement
 * fixture does not vary, each set where it changes no measure unless a spec overrides it: the
 * converted-lookback at its 24 h default, a frequency cap no fixture reaches, a consent purpose
 * only the consent audit reads, and an even split.
 */
export const READY_DEFINITIONS = {
  audience: 'everyone',
  surface: 'default',
  suppression: { converted_lookback_ms: 86_400_000 },
  frequency_cap: { max: 1_000_000, per_ms: 86_400_000 },
  consent_purpose: 'fixture_consent',
  guardrail_types: ['unsubscribe'],
  holdout_pct: 0.5,
} as const;

/**
 * Builders of input rows for measurement fixtures, as producers send them. Each fills the fields a
 * test does not vary (a trigger's signal, window, success type and status; a firing's treatment
 * arm) and takes the rest, with `extra` fields added or overriding. Times go through `time`, so a
 * spec can write them in its own shorthand (`'10-12T10:00:00'`, or epoch milliseconds).
 */
export function fixtureRows<When>(time: (when: When) => string) {
  return {
    /**
     * A live trigger definition armed by `cart_abandoned`, window 1 h, success `purchase`, with
     * the rest of the six definitions a live one needs from {@link READY_DEFINITIONS}.
     */
    trigger: (triggerId: string, channel: string, extra: object = {}) => ({
      trigger_id: triggerId,
      name: triggerId,
      channel,
      signal_types: ['cart_abandoned'],
      window_ms: 3_600_000,
      success_types: ['purchase'],
      ...READY_DEFINITIONS,
      status: 'live',
      ...extra,
    }),
    /** A firing decided at `decided`, in the treatment arm unless `extra` says otherwise. */
    firing: (
      firingId: string,
      triggerId: string,
      personId: string,
      decided: When,
      extra: object = {},
    ) => ({
      firing_id: firingId,
      trigger_id: triggerId,
      person_id: personId,
      decided_at: time(decided),
      arm: 'treatment',
      ...extra,
    }),
    outcome: (
      outcomeId: string,
      personId: string,
      type: string,
      when: When,
      extra: object = {},
    ) => ({
      outcome_id: outcomeId,
      person_id: personId,
      type,
      occurred_at: time(when),
      ...extra,
    }),
    /** An exposure without an id of its own: the store derives one from its content. */
    exposure: (firingId: string, type: string, when: When, extra: object = {}) => ({
      firing_id: firingId,
      type,
      occurred_at: time(when),
      ...extra,
    }),
    consent: (
      eventId: string,
      personId: string,
      purpose: string,
      granted: boolean,
      when: When,
      extra: object = {},
    ) => ({
      event_id: eventId,
      person_id: personId,
      purpose,
      granted,
      occurred_at: time(when),
      ...extra,
    }),
    signal: (eventId: string, personId: string, type: string, when: When, extra: object = {}) => ({
      event_id: eventId,
      person_id: personId,
      type,
      occurred_at: time(when),
      ...extra,
    }),
  };
}

/** What a measure's spec stores: its own rows and the two ways they could be miscounted. */
export interface MeasureFixture {
  /** The rows of `tenant-a`, the tenant measured. */
  rows: StreamRows;
  /** Copies of some of those rows delivered again in a later batch (a separate part, before any
   * merge): they must count once. */
  redelivered: StreamRows;
  /** Rows of `tenant-b` with the same ids: none of them may show in `tenant-a`'s measures. */
  otherTenant: StreamRows;
}

/**
 * Opens an embedded store for the enclosing `describe` and seeds a {@link MeasureFixture} into it
 * (in a `beforeAll` registered before the spec's own), and disposes of it afterwards. The store is
 * read through the returned object once the spec's hooks run.
 */
export function seededStore(
  fixture: MeasureFixture,
): Pick<TemporaryStore, 'clickhouse' | 'config'> {
  const store = storeForSuite();
  beforeAll(async () => {
    await seedRows(store.clickhouse, 'tenant-a', fixture.rows);
    await seedRows(store.clickhouse, 'tenant-a', fixture.redelivered, Date.now() + 1000);
    await seedRows(store.clickhouse, 'tenant-b', fixture.otherTenant);
  });
  return store;
}

/** The two sources a measure that reads the trend facts is checked from, each the same answer. */
export const FACT_SOURCES = ['the streams', 'the trend facts'] as const;

/**
 * For `source` 'the trend facts': the trend facts of a {@link seededStore}'s two tenants, built now
 * (tenant-a's in parts of 5 firings, as a large tenant's build is written) and current; for 'the
 * streams': undefined, so that the service reads the streams.
 */
export async function factsFor(
  store: Pick<TemporaryStore, 'clickhouse' | 'config'>,
  source: (typeof FACT_SOURCES)[number],
): Promise<TrendFacts | undefined> {
  if (source === 'the streams') {
    return undefined;
  }
  const facts = new TrendFacts(store.clickhouse, new MemoryDataVersions(), store.config);
  await facts.build('tenant-a', { firingsPerPart: 5 });
  await facts.build('tenant-b');
  if ((await facts.current('tenant-a')) === undefined) {
    throw new Error('factsFor: the facts just built are not current');
  }
  return facts;
}
