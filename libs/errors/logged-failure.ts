/**
 * What a log line says of an unexpected failure: what it is (its type, its code, the tag of the
 * store query that failed, the engine's own error name) and where it was thrown (its stack's
 * frames), for it and each cause under it. Never a message: a store's refusal quotes the row it
 * refused, and an error of any kind may quote a person's id, an e-mail or a value asked for,
 * which a log, beyond the reach of an erasure, must not keep.
 */
export interface LoggedFailure {
  type: string;
  /** The error's own code (`STORAGE_QUERY_FAILED`, `CHDB_INSERT`, `ECONNREFUSED`, 469). */
  code?: string;
  /** The tag of the store query that failed (`ingest.write.signals`). */
  tag?: string;
  /** ClickHouse's name of its error (`VIOLATED_CONSTRAINT`). */
  engineError?: string;
  /** The type, then the frames of the stack (`    at Class.method (file:line:column)`). */
  stack: string;
  cause?: LoggedFailure;
}

/** Causes followed at most. */
const MAX_CAUSES = 5;

/** A code or a tag: a short identifier, nothing that could hold a sentence or a row. */
const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,64}$/;

/** A stack frame: `at` a function and a place ending in `:line:column`. */
const FRAME = /^\s+at .*:\d+:\d+\)?$/;

/** ClickHouse's error name, as it ends its messages: `Code: 469. DB::Exception: … (VIOLATED_CONSTRAINT)`. */
const ENGINE_ERROR_AT_END = /^Code: \d+\. DB::Exception: [\s\S]*\(([A-Z][A-Z0-9_]{2,63})\)\s*$/;

function identifier(value: unknown): string | undefined {
  const text = typeof value === 'number' ? String(value) : value;
  return typeof text === 'string' && IDENTIFIER.test(text) ? text : undefined;
}

/** The engine's error name: the `type` the ClickHouse client gives, or the one its message ends with. */
function engineErrorOf(error: Error): string | undefined {
  const type = (error as { type?: unknown }).type;
  if (typeof type === 'string' && /^[A-Z][A-Z0-9_]{2,63}$/.test(type)) {
    return type;
  }
  return ENGINE_ERROR_AT_END.exec(error.message)?.[1];
}

/** The failure as a log line may hold it (see LoggedFailure). */
export function loggedFailure(error: unknown, depth = 0): LoggedFailure {
  if (!(error instanceof Error)) {
    return { type: typeof error, stack: typeof error };
  }
  const type = identifier(error.name) ?? 'Error';
  const frames = (error.stack ?? '').split('\n').filter((line) => FRAME.test(line));
  const fields = error as Error & { code?: unknown; tag?: unknown };
  // undefined fields are left out of the JSON line
  return {
    type,
    code: identifier(fields.code),
    tag: identifier(fields.tag),
    engineError: engineErrorOf(error),
    stack: [type, ...frames].join('\n'),
    cause:
      error.cause === undefined || depth >= MAX_CAUSES
        ? undefined
        : loggedFailure(error.cause, depth + 1),
  };
}

/**
 * A failure named in one line, for a reason kept beyond a log (a BullMQ job's failed reason, a
 * run's list of failures): its type, then the first code, store query tag and engine error name
 * found on it or its causes (`StorageException STORAGE_QUERY_FAILED report.measures
 * VIOLATED_CONSTRAINT`). Never a message, for the reasons of LoggedFailure.
 */
export function failureName(error: unknown): string {
  const chain = failureChain(loggedFailure(error));
  const first = (field: 'code' | 'tag' | 'engineError') =>
    chain.find((failure) => failure[field] !== undefined)?.[field];
  return [chain[0]?.type, first('code'), first('tag'), first('engineError')]
    .filter((part) => part !== undefined)
    .join(' ');
}

/** A logged failure and every cause under it, outermost first. */
export function failureChain(failure: LoggedFailure | undefined): LoggedFailure[] {
  return failure === undefined ? [] : [failure, ...failureChain(failure.cause)];
}
