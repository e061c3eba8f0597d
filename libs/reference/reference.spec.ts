import { describe, expect, it } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_STREAMS, generateProgram } from '../demo/index.js';
import { parseTimestamp } from '../ingest/index.js';
import { projectRoot } from '../storage/index.js';
import { streamJsonSchemas } from './json-schema.js';
import { STREAM_REFERENCE_PATH, streamReference } from './stream-reference.js';

// An independent validator: ajv compiles the schemas the API serves, strict about the draft.
const ajv = new Ajv2020({ strict: true, allErrors: true });
const schemas = streamJsonSchemas(4096);
const validators = Object.fromEntries(
  Object.entries(schemas).map(([stream, schema]) => [stream, ajv.compile(schema)]),
);

function errorsOf(stream: string, row: unknown): string[] {
  const validate = validators[stream];
  return validate(row) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe('the streams JSON Schema', () => {
  const program = generateProgram({ seed: 7, persons: 1500, days: 30 });

  it('accepts every row of the demo program, stream by stream', () => {
    for (const stream of DEMO_STREAMS) {
      const rows = program.rows[stream] as unknown[];
      expect(rows.length).toBeGreaterThan(0);
      const failures = rows
        .map((row) => ({ row, errors: errorsOf(stream, row) }))
        .filter((r) => r.errors.length > 0);
      expect({ stream, failures: failures.slice(0, 3) }).toEqual({ stream, failures: [] });
    }
  });

  it("refuses every one of the demo's malformed lines that is JSON", () => {
    let checked = 0;
    for (const stream of DEMO_STREAMS) {
      for (const line of program.malformed[stream]) {
        let row: unknown;
        try {
          row = JSON.parse(line);
        } catch {
          continue; // bad JSON: no schema is involved
        }
        checked += 1;
        expect({ stream, line, valid: errorsOf(stream, row).length === 0 }).toEqual({
          stream,
          line,
          valid: false,
        });
      }
    }
    expect(checked).toBeGreaterThanOrEqual(DEMO_STREAMS.length * 3);
  });

  it('names the field that is wrong in a malformed row', () => {
    const firing = program.rows.firings[0] as Record<string, unknown>;
    expect(errorsOf('firings', { ...firing, arm: 'control' })).toEqual([
      '/arm must be equal to one of the allowed values',
    ]);
    const withoutPerson = Object.fromEntries(
      Object.entries(firing).filter(([field]) => field !== 'person_id'),
    );
    expect(errorsOf('firings', withoutPerson)).toEqual([
      " must have required property 'person_id'",
    ]);
    expect(errorsOf('firings', { ...firing, decided_at: '2026-10-01 10:00' })).not.toEqual([]);
    expect(errorsOf('firings', { ...firing, decided_at: 1_000 })).not.toEqual([]);
    // times as warehouses write them, as the ingest reads them
    for (const time of [
      '2026-10-02 10:00:00.123456 UTC',
      '2026-10-02 03:00:00.000 -0700',
      '2026-10-02 03:00:00 +02:00',
    ]) {
      expect(errorsOf('firings', { ...firing, decided_at: time })).toEqual([]);
    }
    for (const time of [
      '2026-10-02 10:00:00.123456',
      '2026-10-02 10:00:00 GMT',
      '2026-10-02 10:00:00  UTC',
      '2026-10-02 10:00:00 utc',
    ]) {
      expect(errorsOf('firings', { ...firing, decided_at: time })).not.toEqual([]);
    }
    expect(errorsOf('outcomes', { ...program.rows.outcomes[0], value: '19.99999' })).not.toEqual(
      [],
    );
    expect(errorsOf('outcomes', { ...program.rows.outcomes[0], value: '19.9900' })).toEqual([]);
    expect(errorsOf('firings', { ...firing, person_id: ' ' })).not.toEqual([]);
    expect(errorsOf('firings', { ...firing, person_id: 'p\u200b1' })).not.toEqual([]);
    // PHP's json_encode writes an empty map as [], which the ingest reads as {}; [1] it refuses
    const signal = program.rows.signals[0];
    expect(errorsOf('signals', { ...signal, properties: [] })).toEqual([]);
    expect(errorsOf('signals', { ...signal, properties: [1] })).not.toEqual([]);
    expect(errorsOf('firings', { ...firing, properties: [] })).toEqual([]);
    expect(errorsOf('firings', { ...firing, properties: [true] })).not.toEqual([]);
  });

  it("reads a signal's device clock from 1970 on when the row states sent_at, as the ingest does", () => {
    const signal = program.rows.signals[0] as Record<string, unknown>;
    const device = { occurred_at: '1970-01-01T00:05:00Z', sent_at: '1970-01-01T00:06:30Z' };
    expect(errorsOf('signals', { ...signal, ...device })).toEqual([]);
    expect(
      errorsOf('signals', { ...signal, ...device, occurred_at: '1969-12-31T19:05:00-05:00' }),
    ).toEqual([]);
    // without a send time the event time is held to the stored years, as every other time is
    expect(errorsOf('signals', { ...signal, occurred_at: device.occurred_at })).not.toEqual([]);
    expect(errorsOf('signals', { ...signal, ...device, sent_at: null })).not.toEqual([]);
    expect(errorsOf('signals', { ...signal, ...device, computed_at: device.sent_at })).not.toEqual(
      [],
    );
    const firing = program.rows.firings[0] as Record<string, unknown>;
    expect(errorsOf('firings', { ...firing, decided_at: device.occurred_at })).not.toEqual([]);
    // epoch milliseconds from 1970 are far likelier seconds sent for milliseconds: refused
    expect(errorsOf('signals', { ...signal, occurred_at: 300_000, sent_at: 390_000 })).not.toEqual(
      [],
    );
    const occurredAt = (schemas.signals as { properties: Record<string, { description: string }> })
      .properties.occurred_at;
    expect(occurredAt.description).toContain('from 1970 on');
  });

  it('accepts the times at the edges that the ingest reads: digit strings, local years either side', () => {
    const firing = program.rows.firings[0] as Record<string, unknown>;
    const decidedAt = (time: unknown) => errorsOf('firings', { ...firing, decided_at: time });
    // epoch milliseconds as a string of digits: 2023-11-14T22:13:20Z
    expect(decidedAt('1700000000000')).toEqual([]);
    // 2000-01-01T03:00:00Z, written at Denver's offset on the last evening of 1999
    expect(decidedAt('1999-12-31T20:00:00-07:00')).toEqual([]);
    // 2100-12-31T23:00:00Z, written at Berlin's offset on the first hour of 2101
    expect(decidedAt('2101-01-01T00:00:00+01:00')).toEqual([]);
    // a local 1999 or 2101 that no offset brings into the stored years
    expect(decidedAt('1999-12-31T20:00:00Z')).not.toEqual([]);
    expect(decidedAt('1999-06-30T20:00:00-07:00')).not.toEqual([]);
    expect(decidedAt('2101-01-01T00:00:00Z')).not.toEqual([]);
    expect(decidedAt('2101-01-01T00:00:00-01:00')).not.toEqual([]);
    expect(decidedAt('17000000000000000')).not.toEqual([]);
    expect(decidedAt('-1700000000000')).not.toEqual([]);
    // the ingest reads the three accepted above as those instants
    expect(
      ['1700000000000', '1999-12-31T20:00:00-07:00', '2101-01-01T00:00:00+01:00'].map(
        parseTimestamp,
      ),
    ).toEqual([
      { ok: true, ms: 1_700_000_000_000 },
      { ok: true, ms: Date.UTC(2000, 0, 1, 3) },
      { ok: true, ms: Date.UTC(2100, 11, 31, 23) },
    ]);
  });

  it('states required fields, allowed values, limits and descriptions', () => {
    const triggers = schemas.triggers as {
      required: string[];
      properties: Record<string, Record<string, unknown>>;
    };
    expect(triggers.required).toEqual(['trigger_id', 'name']);
    // a live or paused definition needs the rest; a draft may lack any of them
    expect(errorsOf('triggers', { trigger_id: 't', name: 'Draft' })).toEqual([]);
    expect(errorsOf('triggers', { trigger_id: 't', name: 'Live', status: 'live' })).not.toEqual([]);
    // a live definition of the demo program has all six definitions
    const complete = program.rows.triggers.find((t) => t.status === 'live') as Record<
      string,
      unknown
    >;
    expect(errorsOf('triggers', complete)).toEqual([]);
    // every field of the six definitions (docs/design.md §2), each left out in turn
    const definitionFields = [
      'signal_types',
      'audience',
      'channel',
      'surface',
      'window_ms',
      'suppression',
      'frequency_cap',
      'consent_purpose',
      'success_types',
      'guardrail_types',
      'holdout_pct',
    ];
    for (const field of definitionFields) {
      const without = Object.fromEntries(Object.entries(complete).filter(([f]) => f !== field));
      expect([field, errorsOf('triggers', without)]).not.toEqual([field, []]);
      expect(errorsOf('triggers', { ...without, status: 'draft' })).toEqual([]);
    }
    expect(errorsOf('triggers', { ...complete, suppression: {} })).not.toEqual([]);
    expect(triggers.properties.status).toMatchObject({
      default: 'draft',
      anyOf: [{ type: 'string', enum: ['draft', 'live', 'paused'] }, { type: 'null' }],
    });
    expect(triggers.properties.holdout_pct.description).toContain('held out');
    expect(triggers.properties.name).toMatchObject({ maxLength: 4096, minLength: 1 });
    expect(schemas.signals.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });
});

describe('the stream reference page', () => {
  it(`matches its committed file ${STREAM_REFERENCE_PATH} (run npm run docs:streams)`, () => {
    const committed = readFileSync(join(projectRoot(), STREAM_REFERENCE_PATH), 'utf8');
    expect(committed).toBe(streamReference());
  });

  it('describes the fields no other page described', () => {
    const page = streamReference();
    for (const field of [
      'signal_event_id',
      'skip_reason',
      'dispatched_at',
      'order_id',
      'refund_of_order_id',
    ]) {
      expect(page).toContain(`| \`${field}\` |`);
    }
  });
});
