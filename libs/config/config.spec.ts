import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';

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
});
