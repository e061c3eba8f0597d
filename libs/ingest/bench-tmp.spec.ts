import { it } from '@jest/globals';
import { generateProgram } from '../demo/index.js';
import { inDialect, type DialectName } from './dialects.testing.js';
import { prepareBatch } from './prepare-batch.js';
it('bench', async () => {
  const program = generateProgram({ seed: 3, persons: 3000, start: '2026-10-01T00:00:00Z' });
  const rows = (program.rows.firings as unknown as object[])
    .slice(0, 10000)
    .map((r) => JSON.stringify(r));
  const ctx = {
    tenantId: 't',
    receivedAt: Date.UTC(2026, 11, 1),
    limits: { maxRows: 1e6, maxFieldChars: 4096, maxBodyBytes: 1 << 30 },
  };
  for (const d of [
    'stringify',
    'python',
    'unknownFields',
    'offsets',
    'stringify',
    'python',
    'unknownFields',
  ] as DialectName[]) {
    const lines = rows.map((r, i) => ({ line: i + 1, raw: inDialect(r, d) }));
    const t = performance.now();
    for (let k = 0; k < 5; k++) await prepareBatch('firings', lines, ctx);
    const ms = (performance.now() - t) / 5;
    console.log(
      d,
      rows.length,
      'lines',
      ms.toFixed(1),
      'ms',
      Math.round((rows.length / ms) * 1000),
      'rows/s',
    );
  }
}, 120000);
