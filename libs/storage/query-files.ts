import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';
import { placeholdersOf, type AnyQueryDefinition } from './query.js';

/** Where the statements are written, relative to the repository root. */
export const QUERY_FILES_DIR = 'clickhouse/queries';

/** The command that writes them. */
export const QUERY_FILES_COMMAND = 'npm run queries';

/** The file of one statement: named after its query. */
export function queryFileName(query: AnyQueryDefinition): string {
  return `${query.name}.sql`;
}

/**
 * The committed text of one statement: a header saying it is generated, from which file, how to
 * regenerate it, its parameters and settings; then the statement exactly as it is sent.
 */
export function queryFileText(query: AnyQueryDefinition): string {
  const params = placeholdersOf(query.sql)
    .map((p) => `${p.name} ${p.type}`)
    .join(', ');
  const settings = Object.entries(query.settings)
    .map(([name, value]) => `${name} = ${String(value)}`)
    .join(', ');
  return [
    `-- ${query.name}: generated from ${query.source}; do not edit.`,
    `-- Regenerate with \`${QUERY_FILES_COMMAND}\` after changing the statement.`,
    `-- Parameters: ${params === '' ? 'none' : params}`,
    `-- Settings: ${settings}`,
    '',
    query.sql,
    '',
  ].join('\n');
}

/** A committed file that does not match the code. */
export interface QueryFileDrift {
  file: string;
  problem: 'missing' | 'differs' | 'unknown';
}

/**
 * The files under `dir` that do not match `queries`: a statement without its file, a file whose
 * text differs, a file no query names.
 */
export function queryFileDrift(
  queries: readonly AnyQueryDefinition[],
  dir = join(projectRoot(), QUERY_FILES_DIR),
): QueryFileDrift[] {
  const drift: QueryFileDrift[] = [];
  const expected = new Set<string>();
  for (const query of queries) {
    const file = queryFileName(query);
    expected.add(file);
    const path = join(dir, file);
    if (!existsSync(path)) {
      drift.push({ file, problem: 'missing' });
    } else if (readFileSync(path, 'utf8') !== queryFileText(query)) {
      drift.push({ file, problem: 'differs' });
    }
  }
  const present = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sql')) : [];
  for (const file of present) {
    if (!expected.has(file)) {
      drift.push({ file, problem: 'unknown' });
    }
  }
  return drift;
}

/** The drift in words, with the command that fixes it. */
export function describeDrift(drift: readonly QueryFileDrift[]): string {
  return [
    `${QUERY_FILES_DIR} does not match the statements in the code:`,
    ...drift.map((d) => `  ${d.file}: ${d.problem}`),
    `Run \`${QUERY_FILES_COMMAND}\` and commit ${QUERY_FILES_DIR}.`,
  ].join('\n');
}

/** Writes every statement's file under `dir` and removes files no query names. */
export function writeQueryFiles(
  queries: readonly AnyQueryDefinition[],
  dir = join(projectRoot(), QUERY_FILES_DIR),
): string[] {
  const names = new Map<string, string>();
  for (const query of queries) {
    const other = names.get(query.name);
    if (other !== undefined) {
      throw new Error(`two queries are named ${query.name} (${other}, ${query.source})`);
    }
    names.set(query.name, query.source);
  }
  mkdirSync(dir, { recursive: true });
  for (const { file, problem } of queryFileDrift(queries, dir)) {
    if (problem === 'unknown') {
      rmSync(join(dir, file));
    }
  }
  return queries.map((query) => {
    const file = queryFileName(query);
    writeFileSync(join(dir, file), queryFileText(query));
    return file;
  });
}
