import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { storeForSuite } from '../../storage/testing.js';
import { storedFields, STREAM_DECLARATIONS } from './index.js';

// The declarations name each field's column and its ClickHouse type; the migrations create them.
// This holds the two together on the real engine with the real migrations.

/** Columns the ingest fills itself (tenant, arrival, hash) or the engine computes. */
const NOT_FIELDS = new Set([
  'tenant_id',
  'received_at',
  'future_clamped',
  'skew_corrected',
  'content_hash',
  'person_key',
  'inserted_at',
]);

describe('stream declarations and the tables the migrations create', () => {
  const store = storeForSuite();

  it.each(Object.keys(STREAM_DECLARATIONS) as (keyof typeof STREAM_DECLARATIONS)[])(
    '%s: every declared column exists with its declared type, and every other column is known',
    async (stream) => {
      const declaration = STREAM_DECLARATIONS[stream];
      const columns = await store.clickhouse.query({
        tag: 'test.declaration',
        sql: `SELECT name, type FROM system.columns
              WHERE database = currentDatabase() AND table = {table:String}`,
        params: { table: declaration.table },
        row: z.object({ name: z.string(), type: z.string() }),
      });
      const actual = new Map(columns.map((c) => [c.name, c.type]));
      const declared = storedFields(declaration).map((s) => [s.column, s.field.columnType]);
      expect(declared.map(([column]) => [column, actual.get(column!)])).toEqual(declared);
      const declaredNames = new Set(declared.map(([column]) => column));
      expect(
        columns.map((c) => c.name).filter((n) => !declaredNames.has(n) && !NOT_FIELDS.has(n)),
      ).toEqual([]);
    },
  );

  it('declares a default for every optional field, and an allowed-value list for every enum', () => {
    for (const declaration of Object.values(STREAM_DECLARATIONS)) {
      for (const { column, field } of storedFields(declaration)) {
        expect([column, field.description.length > 0]).toEqual([column, true]);
        if (!field.required) {
          expect([column, field.default !== undefined]).toEqual([column, true]);
        }
        if (field.type === 'enum') {
          expect([column, (field.values?.length ?? 0) > 0]).toEqual([column, true]);
        }
      }
    }
  });
});
