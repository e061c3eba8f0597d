import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { openTemporaryStore } from './testing.js';

/** About 3 s of engine work, in 300 blocks. */
const RUNNING_QUERY = {
  tag: 'test.running',
  sql: 'SELECT count() AS n FROM numbers(300) WHERE sleepEachRow(0.01) = 0 AND {x:UInt8} = 1',
  params: { x: 1 },
  row: z.object({ n: z.number() }),
  settings: { max_block_size: '1' },
};

describe('shutdown of the embedded engine', () => {
  it('waits for a statement still running, so that the process can open another data directory', async () => {
    const first = await openTemporaryStore();
    const running = first.clickhouse.query(RUNNING_QUERY).then(
      (rows) => rows,
      () => 'failed',
    );
    // The statement is under way in the engine when the shutdown starts.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.dispose();
    // chDB binds one data directory per process: had the shutdown returned while the statement
    // still held the first, this would be refused ("Cannot open a session … yet").
    const second = await openTemporaryStore();
    try {
      expect(
        await second.clickhouse.query({
          tag: 'test.quick',
          sql: 'SELECT {x:UInt8} AS x',
          params: { x: 7 },
          row: z.object({ x: z.number() }),
        }),
      ).toEqual([{ x: 7 }]);
    } finally {
      await second.dispose();
    }
    // The statement was let finish, not cut off.
    expect(await running).toEqual([{ n: 300 }]);
  });
});
