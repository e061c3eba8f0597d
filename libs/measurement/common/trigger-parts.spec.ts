import { describe, expect, it } from '@jest/globals';
import { compareBytes, groupTriggers } from './trigger-parts.js';

describe('groupTriggers', () => {
  const counts = [
    { trigger_id: 'a', firings: 30 },
    { trigger_id: 'b', firings: 120 },
    { trigger_id: 'c', firings: 70 },
    { trigger_id: 'd', firings: 50 },
    { trigger_id: 'e', firings: 20 },
  ];

  it('fills groups up to the limit, largest first, a trigger above it alone', () => {
    // by size: b 120 (alone: above 100), c 70, d 50 (no room beside c), a 30 (beside c: 100),
    // e 20 (beside d: 70)
    expect(groupTriggers(counts, 100)).toEqual([['b'], ['c', 'a'], ['d', 'e']]);
  });

  it('keeps every trigger once, whatever the limit', () => {
    for (const limit of [1, 50, 100, 290, 1_000]) {
      const ids = groupTriggers(counts, limit).flat();
      expect(ids.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    }
    expect(groupTriggers(counts, 290)).toEqual([['b', 'c', 'd', 'a', 'e']]);
    expect(groupTriggers(counts, 1)).toHaveLength(5);
  });
});

describe('compareBytes', () => {
  it('orders by UTF-8 bytes as ClickHouse orders String values', () => {
    // U+FF5E (ef bd 9e) before U+1F600 (f0 9f 98 80) by bytes; by UTF-16 units the emoji's
    // surrogate (d83d) comes first
    const sorted = ['😀', '～', 'b', 'a'].sort(compareBytes);
    expect(sorted).toEqual(['a', 'b', '～', '😀']);
  });
});
