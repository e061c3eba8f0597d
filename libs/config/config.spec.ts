import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../storage/index.js';
import { ConfigError, environmentSchema, loadConfig, loadConfigOver } from './config.js';

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

  it('refuses a retention of trigger definitions, naming the variable', () => {
    expect(problemsOf({ RETENTION_DAYS_TRIGGERS: '30' })).toEqual([
      'RETENTION_DAYS_TRIGGERS: not taken: trigger definitions are kept while their triggers fire (a live trigger defined longer ago would lose its definition, and its measures their windows and success types); unset it',
    ]);
    expect(loadConfig({ RETENTION_DAYS_TRIGGERS: '' }).env.RETENTION_DAYS_TRIGGERS).toBeUndefined();
    expect(loadConfig({ RETENTION_DAYS_SIGNALS: '30' }).env.RETENTION_DAYS_SIGNALS).toBe(30);
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

/** The lines of the README's configuration table that name variables. */
function readmeConfigurationLines(): string[] {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const section = readme.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? '';
  return section.split('\n').filter((line) => line.startsWith('| `'));
}

/** Each variable a row of the table names, with its documented default. */
function readmeConfigurationRows(): { name: string; documented: string }[] {
  return readmeConfigurationLines().flatMap((line) => {
    const cells = line.split(' | ');
    // `A` / `B` | `1` / `2` names two variables and their defaults, in order.
    const names = cells[0].slice(2).split(' / ');
    const defaults = names.length === 1 ? [cells[1]] : cells[1].split(' / ');
    return names.map((name, i) => ({ name: name.replace(/`/g, ''), documented: defaults[i] }));
  });
}

describe("the README's configuration table", () => {
  const rows = readmeConfigurationRows();
  const defaults = environmentSchema.parse({}) as Record<string, unknown>;

  it('has three cells in each row', () => {
    const lines = readmeConfigurationLines();
    // A stray `|` in a cell (outside code) makes a fourth cell, and shifts what a reader sees.
    const pipes = (line: string) => line.replace(/`[^`]*`/g, '').split('|').length - 1;
    expect(lines.filter((line) => pipes(line) !== 4)).toEqual([]);
    expect(lines.length).toBeGreaterThan(40);
  });

  it('names every variable Causeway reads, and none it does not', () => {
    const documented = new Set(rows.map((row) => row.name));
    const missing = Object.keys(environmentSchema.shape).filter(
      (name) => !documented.has(name) && !name.startsWith('RETENTION_DAYS_'),
    );
    expect(missing).toEqual([]);
    const unknown = [...documented].filter(
      (name) => !(name in environmentSchema.shape) && name !== 'RETENTION_DAYS_<STREAM>',
    );
    expect(unknown).toEqual([]);
  });

  it('gives each default as the configuration applies it', () => {
    const wrong = rows.flatMap(({ name, documented }) => {
      if (name === 'RETENTION_DAYS_<STREAM>') {
        return documented.startsWith('unset') ? [] : [`${name}: ${documented}`];
      }
      const applied = defaults[name];
      // A literal default is written as code; `unset` says the variable has none; `empty` is ''.
      const agrees = documented.startsWith('`')
        ? documented === `\`${String(applied)}\``
        : documented.startsWith('unset')
          ? applied === undefined
          : documented === 'empty'
            ? applied === ''
            : applied !== undefined;
      return agrees ? [] : [`${name}: README ${documented}, applied ${String(applied)}`];
    });
    expect(wrong).toEqual([]);
  });
});
