import { test } from '@jest/globals';
import { Readable } from 'node:stream';
import { parseBody } from './parse-body.js';
import { prepareBatch } from './prepare-batch.js';
test('bench', async () => {
  const line = (i: number) => JSON.stringify({ event_id: `evt-${i}`, person_id: `person-${i % 997}`, type: 'page_view', occurred_at: '2024-05-01T10:00:00.123Z', sent_at: 1714557600500, source: 'web', properties: { path: '/products/' + i, referrer: 'https://example.com/' + 'x'.repeat(80), n: i, tags: ['a', 'b', 'c'] } });
  const text = Array.from({ length: 50000 }, (_, i) => line(i)).join('\n');
  const buf = Buffer.from(text);
  console.log('bytes', buf.length);
  const chunks: Buffer[] = []; for (let i = 0; i < buf.length; i += 65536) chunks.push(buf.subarray(i, i + 65536));
  const ctx = { tenantId: 't', receivedAt: Date.now(), limits: { maxRows: 50000, maxFieldChars: 4096, maxBodyBytes: 10 << 20 } };
  for (const mode of ['ndjson', 'array']) {
    const src = mode === 'ndjson' ? chunks : [Buffer.from('[' + Array.from({ length: 50000 }, (_, i) => line(i)).join(',') + ']')];
    const t0 = performance.now();
    const b = await prepareBatch('signals', parseBody(Readable.from(src), { maxRows: 50000 }), ctx);
    console.log(mode, b.accepted, b.rejected, Math.round(performance.now() - t0), 'ms', Math.round(process.memoryUsage().heapUsed / 1e6), 'MB heap');
  }
}, 60000);
