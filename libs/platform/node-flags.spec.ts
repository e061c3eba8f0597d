import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../storage/index.js';
import { API_NODE_FLAGS, missingNodeFlags } from './node-flags.js';

describe("the API's V8 flags", () => {
  const { scripts } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };

  it.each(['start', 'demo', 'causeway'])('are given to node by `npm run %s`', (name) => {
    // The flags stand between `node` and the file it runs, where node reads its own options.
    const node = /(?:^|&& )node ((?:--\S+ )*)\S+\.m?js/.exec(scripts[name]);
    expect(node).not.toBeNull();
    expect(missingNodeFlags((node?.[1] ?? '').trim().split(' '))).toEqual([]);
  });

  it('are named where one is missing', () => {
    expect(missingNodeFlags([])).toEqual(['--initial-heap-size=256']);
    expect(missingNodeFlags(['--initial-heap-size=128'])).toEqual(['--initial-heap-size=256']);
    expect(missingNodeFlags(['--enable-source-maps', ...API_NODE_FLAGS])).toEqual([]);
  });
});
