// The export route reads each query parameter as one text. One given twice reads as a list, and
// no one of its values is the one meant: it is refused, naming it, rather than read as absent
// (a format falling back to csv) or as missing (a from said to be required).

import { describe, expect, it } from '@jest/globals';
import type { Response } from 'express';
import { BiErrorCode } from './bi.exception.js';
import { ExportsController } from './exports.controller.js';
import type { ExportsService } from './exports.service.js';

const FROM = '2026-10-01T00:00:00Z';
const TO = '2026-10-31T00:00:00Z';

describe('GET /v1/export/{dataset} with a parameter given more than once', () => {
  const opened: unknown[] = [];
  const exports = {
    dataset: (name: string) => name,
    open: (_: string, request: unknown) => {
      opened.push(request);
      return Promise.reject(new Error('opened'));
    },
  };
  const controller = new ExportsController(exports as unknown as ExportsService);
  const get = (query: { from?: unknown; to?: unknown; format?: unknown }) => {
    const { from, to, format } = { from: FROM, to: TO, format: 'csv', ...query };
    return controller.export('t', 'lift', from, to, format, {} as Response);
  };

  it.each([
    [{ format: ['csv', 'parquet'] }, 'format is given more than once ("csv", "parquet")'],
    [{ from: [FROM, TO] }, `from is given more than once ("${FROM}", "${TO}")`],
    [{ to: [TO, TO] }, `to is given more than once ("${TO}", "${TO}")`],
  ])('refuses %o, naming the parameter', async (query, message) => {
    await expect(get(query)).rejects.toEqual(
      expect.objectContaining({
        code: BiErrorCode.InvalidRequest,
        message: `${message}; give it once`,
      }),
    );
    expect(opened).toEqual([]);
  });
});
