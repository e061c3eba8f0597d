import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readSample,
  sampleRows,
  writePythonSample,
  writeUnknownFieldSample,
  type IngestSample,
} from './ingest-sample.js';

const dir = mkdtempSync(join(tmpdir(), 'bench-sample-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIGNALS = [
  '{"event_id":"s1","occurred_at":"2026-10-03T18:26:03.713Z","source":"2026-10-03T18:26:03.713Z","properties":{"b":1,"a":"é"}}',
  '{"event_id":"s2","occurred_at":"2026-10-03T18:26:03.000Z","sent_at":null,"value":19.5}',
];
const FIRINGS = ['{"firing_id":"f1","decided_at":"2026-10-04T00:00:00.120Z","trigger_version":1}'];

function source(): IngestSample {
  const path = join(dir, 'stringify.ndjson');
  const signals = `${SIGNALS.join('\n')}\n`;
  const firings = `${FIRINGS.join('\n')}\n`;
  writeFileSync(path, signals + firings);
  return {
    dialect: 'stringify',
    path,
    batches: [
      { stream: 'signals', lines: 2, bytes: Buffer.byteLength(signals) },
      { stream: 'firings', lines: 1, bytes: Buffer.byteLength(firings) },
    ],
  };
}

describe('the samples of the ingest comparison', () => {
  it("rewrites the lines with python3's json.dumps, times as datetime.isoformat writes them", () => {
    const sample = writePythonSample(source(), join(dir, 'python.ndjson'));
    if ('missing' in sample) {
      throw new Error(`the benchmark needs python3 here: ${sample.missing}`);
    }
    // Written by hand as Python 3 writes them: keys sorted, ": " and ", ", \u00e9, and a
    // time-looking text in a field that holds no time left as it is.
    const signals = [
      '{"event_id": "s1", "occurred_at": "2026-10-03T18:26:03.713000+00:00", "properties": {"a": "\\u00e9", "b": 1}, "source": "2026-10-03T18:26:03.713Z"}',
      '{"event_id": "s2", "occurred_at": "2026-10-03T18:26:03+00:00", "sent_at": null, "value": 19.5}',
    ];
    const firings = [
      '{"decided_at": "2026-10-04T00:00:00.120000+00:00", "firing_id": "f1", "trigger_version": 1}',
    ];
    const text = [...signals, ...firings].map((line) => `${line}\n`).join('');
    expect(readFileSync(sample.path, 'utf8')).toBe(text);
    expect(sample.batches).toEqual([
      { stream: 'signals', lines: 2, bytes: Buffer.byteLength(`${signals.join('\n')}\n`) },
      { stream: 'firings', lines: 1, bytes: Buffer.byteLength(`${firings[0]}\n`) },
    ]);
    expect(readSample(sample).map((b) => b.body.toString())).toEqual([
      `${signals.join('\n')}\n`,
      `${firings[0]}\n`,
    ]);
  });

  it('says why when python3 cannot be run', () => {
    const sample = writePythonSample(source(), join(dir, 'none.ndjson'), 'python3-not-installed');
    expect(sample).toEqual({
      missing: expect.stringMatching(/^python3-not-installed could not be run \(/),
    });
  });

  it('puts "campaign_hint":"x" first in every line, the batches in place', () => {
    const sample = writeUnknownFieldSample(source(), join(dir, 'unknown.ndjson'));
    const hinted = (line: string) => `{"campaign_hint":"x",${line.slice(1)}\n`;
    expect(readSample(sample).map((b) => [b.stream, b.lines, b.body.toString()])).toEqual([
      ['signals', 2, SIGNALS.map(hinted).join('')],
      ['firings', 1, hinted(FIRINGS[0])],
    ]);
    expect(sampleRows(sample)).toBe(3);
    expect(sampleRows(sample, 'firings')).toBe(1);
  });
});
