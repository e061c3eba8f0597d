import type { ClickHouseSettings } from '@clickhouse/client';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { projectRoot } from './project-root.js';

/**
 * Settings every defined statement runs with, stated once here rather than at each call:
 * - `join_use_nulls = 0`: an unmatched side of a LEFT JOIN reads as its type's default ('' and 0),
 *   which the measures test for (`d.trigger_id != ''`);
 * - `enable_materialized_cte = 1`: a `name AS MATERIALIZED (...)` step is computed once and read
 *   wherever it is referenced, where a plain CTE is inlined and computed again at each reference;
 *   same rows either way, it matters when the step scans millions of rows.
 * The join-swap setting (`query_plan_join_swap_table`) applies to every statement, defined or not,
 * and is part of the client's settings (see baseSettings). A statement's settings travel in its own
 * `SETTINGS` clause when it runs, so they hold for it alone (see ClickHouseService.query).
 */
export const QUERY_DEFAULT_SETTINGS = {
  join_use_nulls: 0,
  enable_materialized_cte: 1,
} as const satisfies ClickHouseSettings;

/** The parameters of a statement: an object schema whose keys are the `{name:Type}` names. */
export type QueryParamsSchema = z.ZodObject;

/** A read statement with everything needed to run it and to check it without running it. */
export interface QueryDefinition<P extends QueryParamsSchema, R extends z.ZodType> {
  /** Tags the statement in system.query_log (log_comment, query_id prefix); names its file. */
  readonly name: string;
  /** The file that defines it, relative to the repository root. */
  readonly source: string;
  readonly sql: string;
  /** The bound values, one key per `{name:Type}` placeholder. */
  readonly params: P;
  /** One row of the result. */
  readonly row: R;
  /** QUERY_DEFAULT_SETTINGS with the statement's own. */
  readonly settings: ClickHouseSettings;
}

/** Any definition, for lists of them. */
export type AnyQueryDefinition = QueryDefinition<QueryParamsSchema, z.ZodType>;

/** What defineQuery takes. */
export interface QueryDeclaration<P extends QueryParamsSchema, R extends z.ZodType> {
  name: string;
  /** `import.meta.url` of the defining module. */
  module: string;
  sql: string;
  params: P;
  row: R;
  settings?: ClickHouseSettings;
}

/**
 * The path of a module relative to the repository root, in its TypeScript form: the compiled
 * copy under dist/ names the same source.
 */
export function sourcePath(moduleUrl: string): string {
  const path = relative(projectRoot(), fileURLToPath(moduleUrl)).split('\\').join('/');
  return path.startsWith('dist/') ? path.slice('dist/'.length).replace(/\.js$/, '.ts') : path;
}

/**
 * A statement's text as it is sent and committed: no empty lines (left by fragments that start or
 * end with a newline), no trailing spaces, no leading or trailing blank. Whitespace only: the
 * statement means the same.
 */
export function tidySql(sql: string): string {
  return sql
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .join('\n');
}

/**
 * Defines a query, as unkey's `query({ query, params, schema })` does: a name, its SQL with
 * `{name:Type}` placeholders only, the schema of its parameters, the schema of a row and its
 * settings. Run it with ClickHouseService.run.
 */
export function defineQuery<P extends QueryParamsSchema, R extends z.ZodType>(
  declaration: QueryDeclaration<P, R>,
): QueryDefinition<P, R> {
  if (!/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/.test(declaration.name)) {
    throw new Error(`query name ${JSON.stringify(declaration.name)}: lower-case words and dots`);
  }
  return {
    name: declaration.name,
    source: sourcePath(declaration.module),
    sql: tidySql(declaration.sql),
    params: declaration.params,
    row: declaration.row,
    settings: { ...QUERY_DEFAULT_SETTINGS, ...declaration.settings },
  };
}

/** One `{name:Type}` placeholder of a statement. */
export interface Placeholder {
  name: string;
  type: string;
}

/** The distinct placeholders of a statement, in order of first use (`--` comments skipped). */
export function placeholdersOf(sql: string): Placeholder[] {
  const code = sql.replace(/--[^\n]*/g, '');
  const found = new Map<string, Placeholder>();
  for (const match of code.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g)) {
    const [, name = '', type = ''] = match;
    const key = `${name}:${type.trim()}`;
    if (!found.has(key)) {
      found.set(key, { name, type: type.trim() });
    }
  }
  return [...found.values()];
}

/** The schema under optional, nullable, default and transform wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodReadonly
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

/** Strips Nullable(...) and LowCardinality(...) from a ClickHouse type. */
function baseType(type: string): string {
  const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(type);
  return wrapped?.[1] === undefined ? type : baseType(wrapped[1].trim());
}

/** Why a value of `schema` cannot be bound as ClickHouse `type`, or undefined when it can. */
export function bindingProblem(type: string, schema: z.ZodType): string | undefined {
  const base = baseType(type);
  const inner = unwrap(schema);
  const array = /^Array\((.*)\)$/.exec(base);
  if (array?.[1] !== undefined) {
    return inner instanceof z.ZodArray
      ? bindingProblem(array[1].trim(), inner.element as z.ZodType)
      : `${type} needs an array`;
  }
  const expected = /^(U?Int\d+|Float\d+|Decimal)/.test(base)
    ? { kind: 'number', ok: inner instanceof z.ZodNumber }
    : base === 'Bool'
      ? { kind: 'boolean', ok: inner instanceof z.ZodBoolean }
      : /^(String|FixedString|DateTime64|DateTime|Date32|Date|UUID|Enum)/.test(base)
        ? { kind: 'string', ok: inner instanceof z.ZodString || inner instanceof z.ZodEnum }
        : { kind: 'a known type', ok: false };
  return expected.ok ? undefined : `${type} needs a ${expected.kind}`;
}

/**
 * What is wrong between a definition's statement and its parameters schema: a placeholder with
 * no parameter or with one of another kind, a parameter no placeholder uses. Empty when they agree.
 */
export function parameterProblems(query: AnyQueryDefinition): string[] {
  const shape = query.params.shape as Record<string, z.ZodType>;
  const problems: string[] = [];
  const used = new Set<string>();
  for (const { name, type } of placeholdersOf(query.sql)) {
    used.add(name);
    const schema = shape[name];
    if (schema === undefined) {
      problems.push(`${query.name}: {${name}:${type}} has no parameter`);
      continue;
    }
    const problem = bindingProblem(type, schema);
    if (problem !== undefined) {
      problems.push(`${query.name}: {${name}:${type}}: ${problem}`);
    }
  }
  for (const name of Object.keys(shape)) {
    if (!used.has(name)) {
      problems.push(`${query.name}: parameter ${name} is used by no placeholder`);
    }
  }
  return problems;
}
