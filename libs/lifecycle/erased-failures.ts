import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { TOKEN_PATTERN } from './erased-persons.js';

/** What stands for an erased id in a failure's text. */
const ERASED = '[erased]';

/** A failure's text that still named an erased id once they were replaced (a spelling not caught). */
const WHOLLY_ERASED = `${ERASED} (the failure named an erased person)`;

/**
 * The Redis commands an erasure runs beyond BullMQ's, as scripts (BullMQ's client interface runs
 * scripts, not every command): a job's failure written unless the job is gone (a new hash would
 * hold nothing else), and the queue's event stream read and pruned.
 */
const SCRIPTS = {
  causewaySetFailureIfKept: `if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'failedReason', ARGV[1], 'stacktrace', ARGV[2])
end`,
  causewayReadEvents: `return redis.call('XRANGE', KEYS[1], '-', '+')`,
  causewayDeleteEvents: `return redis.call('XDEL', KEYS[1], unpack(ARGV))`,
} as const;

/** XRANGE's answer: each entry's id and its fields and values, one after the other. */
const streamEntries = z.array(z.tuple([z.string(), z.array(z.string())]));

/** Events deleted by one script call (Lua takes a few thousand arguments at most). */
const EVENTS_PER_DELETE = 1_000;

async function scriptsOf(queue: Queue) {
  const client = await queue.getBackend().client;
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    client.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return (name: keyof typeof SCRIPTS, args: string[]): Promise<unknown> =>
    client.runCommand(name, args);
}

/** What an erasure looks for in a queue's text: the person (pattern) and their firings' ids. */
export interface ErasedIds {
  /** `personTokenPattern(personId)`: the id as a whole token, in any JSON spelling. */
  personPattern: string;
  firingIds: ReadonlySet<string>;
  /** Whether a text names the person or one of their firings, in any way the erasure reads. */
  named: (text: string) => boolean;
}

/**
 * `text` with the person's id and their firings' ids replaced by `[erased]`, so that a failure
 * still says what went wrong; replaced whole when a spelling of one is left.
 */
function withoutIds(text: string, ids: ErasedIds): string {
  const person = new RegExp(ids.personPattern, 'g');
  let result = text;
  // twice: a match takes the edge characters around the id, so of two ids one space apart
  // the second is found on the next pass
  for (let pass = 0; pass < 2; pass++) {
    result = result.replace(person, (_id, before: string, _token, after: string) => {
      return `${before}${ERASED}${after}`;
    });
  }
  result = result.replace(new RegExp(TOKEN_PATTERN, 'g'), (token) =>
    ids.firingIds.has(token) ? ERASED : token,
  );
  return ids.named(result) ? WHOLLY_ERASED : result;
}

/**
 * Rewrites a job's failure (its reason and the stack of each attempt) without the erased ids,
 * when it names them: an engine's refusal may quote the row it could not store.
 */
export async function scrubFailure(queue: Queue, job: Job, ids: ErasedIds): Promise<void> {
  const stack = job.stacktrace ?? [];
  const reason = job.failedReason ?? '';
  if (job.id === undefined || !(ids.named(reason) || stack.some((line) => ids.named(line)))) {
    return;
  }
  const run = await scriptsOf(queue);
  await run('causewaySetFailureIfKept', [
    queue.toKey(job.id),
    withoutIds(reason, ids),
    JSON.stringify(stack.map((line) => withoutIds(line, ids))),
  ]);
}

/**
 * Deletes the entries of the queue's event stream that name the erased ids (a `failed` event
 * carries the failure's reason). The stream keeps the latest events only (BullMQ's
 * `maxLenEvents`), so it is read whole.
 */
export async function scrubEvents(queue: Queue, ids: ErasedIds): Promise<void> {
  const run = await scriptsOf(queue);
  const entries = streamEntries.parse(await run('causewayReadEvents', [queue.keys.events]));
  const naming = entries
    .filter(([, fields]) => fields.some((field) => ids.named(field)))
    .map(([id]) => id);
  for (let start = 0; start < naming.length; start += EVENTS_PER_DELETE) {
    const chunk = naming.slice(start, start + EVENTS_PER_DELETE);
    await run('causewayDeleteEvents', [queue.keys.events, ...chunk]);
  }
}
