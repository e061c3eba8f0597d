import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, loadConfigOver } from './config.js';

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('accepts a cluster named by a plain identifier, and no cluster', () => {
    expect(loadConfig({ CLICKHOUSE_CLUSTER: 'causeway_eu' }).env.CLICKHOUSE_CLUSTER).toBe(
      'causeway_eu',
    );
    expect(loadConfig({}).env.CLICKHOUSE_CLUSTER).toBeUndefined();
    expect(loadConfig({ CLICKHOUSE_CLUSTER: '  ' }).env.CLICKHOUSE_CLUSTER).toBeUndefined();
  });

  it.each(["main' SETTINGS x = 1 --", 'eu-west', '1cluster', 'a b', 'c.d'])(
    'refuses the cluster %j, naming the variable',
    (cluster) => {
      expect(problemsOf({ CLICKHOUSE_CLUSTER: cluster })).toEqual([
        'CLICKHOUSE_CLUSTER: a plain identifier: letters, digits and "_", not starting with a digit',
      ]);
    },
  );

  it('lists a bad cluster and a bad database together', () => {
    expect(problemsOf({ CLICKHOUSE_CLUSTER: 'x;', CLICKHOUSE_DATABASE: 'y-z' })).toEqual([
      'CLICKHOUSE_DATABASE: a plain identifier: letters, digits and "_", not starting with a digit',
      'CLICKHOUSE_CLUSTER: a plain identifier: letters, digits and "_", not starting with a digit',
    ]);
  });

  it('keeps 64 MB of answers by default, any size down to 0 (off), and refuses the rest', () => {
    expect(loadConfig({}).env.RESULT_CACHE_MB).toBe(64);
    expect(loadConfig({ RESULT_CACHE_MB: '0' }).env.RESULT_CACHE_MB).toBe(0);
    expect(loadConfig({ RESULT_CACHE_MB: '0.5' }).env.RESULT_CACHE_MB).toBe(0.5);
    expect(problemsOf({ RESULT_CACHE_MB: '-1' })).toEqual([
      'RESULT_CACHE_MB: at least 0 (0 turns the cache off)',
    ]);
    expect(problemsOf({ RESULT_CACHE_MB: 'lots', INGEST_MAX_ROWS: '0' })).toEqual([
      'INGEST_MAX_ROWS: Too small: expected number to be >0',
      'RESULT_CACHE_MB: a number of megabytes',
    ]);
  });

  it("takes a command's defaults under what the environment sets", () => {
    const saved = process.env.LOG_LEVEL;
    try {
      delete process.env.LOG_LEVEL;
      expect(loadConfigOver({ LOG_LEVEL: 'warn' }).env.LOG_LEVEL).toBe('warn');
      process.env.LOG_LEVEL = 'debug';
      expect(loadConfigOver({ LOG_LEVEL: 'warn' }).env.LOG_LEVEL).toBe('debug');
    } finally {
      if (saved === undefined) {
        delete process.env.LOG_LEVEL;
      } else {
        process.env.LOG_LEVEL = saved;
      }
    }
  });
});
