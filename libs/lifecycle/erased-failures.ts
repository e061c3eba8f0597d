import type { Job, Queue } from 'bullmq';
import { setJobFailure } from '../queue/index.js';
import { TOKEN_PATTERN } from './erased-persons.js';

/** What stands for an erased id in a failure's text. */
const ERASED = '[erased]';

/** A failure's text that still named an erased id once they were replaced (a spelling not caught). */
const WHOLLY_ERASED = `${ERASED} (the failure named an erased person)`;

/** What an erasure looks for in a queue's text: the person (pattern) and their firings' ids. */
export interface ErasedIds {
  /**
   * `personTokenPattern` of the person's id and of each firing's id that is no plain token
   * (`plainId`): the id as a whole token, in any JSON spelling.
   */
  patterns: readonly string[];
  firingIds: ReadonlySet<string>;
  /** Whether a text names the person or one of their firings, in any way the erasure reads. */
  named: (text: string) => boolean;
}

/**
 * `text` with the person's id and their firings' ids replaced by `[erased]`, so that a failure
 * still says what went wrong; replaced whole when a spelling of one is left.
 */
function withoutIds(text: string, ids: ErasedIds): string {
  let result = text;
  for (const pattern of ids.patterns) {
    const id = new RegExp(pattern, 'g');
    // twice: a match takes the edge characters around the id, so of two ids one space apart
    // the second is found on the next pass
    for (let pass = 0; pass < 2; pass++) {
      result = result.replace(id, (_id, before: string, _token, after: string) => {
        return `${before}${ERASED}${after}`;
      });
    }
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
  await setJobFailure(
    queue,
    job.id,
    withoutIds(reason, ids),
    stack.map((line) => withoutIds(line, ids)),
  );
}
