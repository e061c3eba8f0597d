import type { Queue } from 'bullmq';
import { z } from 'zod';

/**
 * The Redis commands Causeway runs on a queue beyond BullMQ's own, as scripts (BullMQ's client
 * interface runs scripts, not every command). Each takes one key: a job's hash or the queue's
 * event stream.
 */
const SCRIPTS = {
  /** A job's failure rewritten, unless the job is gone (a new hash would hold nothing else). */
  causewaySetFailureIfKept: `if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'failedReason', ARGV[1], 'stacktrace', ARGV[2])
end`,
  /** A job's data replaced only if it is still what was read (another writer may have changed it). */
  causewaySetDataIfUnchanged: `if redis.call('HGET', KEYS[1], 'data') == ARGV[1] then
  redis.call('HSET', KEYS[1], 'data', ARGV[2])
  return 1
end
return 0`,
  causewayReadEvents: `return redis.call('XRANGE', KEYS[1], '-', '+')`,
  /** The events up to a time (an id's first part is the time it was added, in milliseconds). */
  causewayDeleteEventsUpTo: `local entries = redis.call('XRANGE', KEYS[1], '-', ARGV[1])
for _, entry in ipairs(entries) do
  redis.call('XDEL', KEYS[1], entry[1])
end
return #entries`,
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

/** Sets a job's failure reason and the stack of each attempt, if the job is still kept. */
export async function setJobFailure(
  queue: Queue,
  jobId: string,
  failedReason: string,
  stacktrace: string[],
): Promise<void> {
  const run = await scriptsOf(queue);
  await run('causewaySetFailureIfKept', [
    queue.toKey(jobId),
    failedReason,
    JSON.stringify(stacktrace),
  ]);
}

/**
 * Replaces a job's data with `data` if it still holds `read` (as BullMQ stores it, JSON); answers
 * whether it did.
 */
export async function replaceJobData(
  queue: Queue,
  jobId: string,
  read: unknown,
  data: unknown,
): Promise<boolean> {
  const run = await scriptsOf(queue);
  const args = [queue.toKey(jobId), JSON.stringify(read), JSON.stringify(data)];
  return (await run('causewaySetDataIfUnchanged', args)) === 1;
}

/** An entry of the queue's event stream: its fields by name (`event`, `jobId`, `failedReason`, ...). */
export type QueueEvent = Readonly<Record<string, string>>;

/** Deletes the entries of the queue's event stream that `picks` picks out. */
export async function deleteEvents(
  queue: Queue,
  picks: (event: QueueEvent) => boolean | Promise<boolean>,
): Promise<void> {
  const run = await scriptsOf(queue);
  const entries = streamEntries.parse(await run('causewayReadEvents', [queue.keys.events]));
  const picked: string[] = [];
  for (const [id, fields] of entries) {
    const event = Object.fromEntries(
      fields.flatMap((field, i) => (i % 2 === 0 ? [[field, fields[i + 1] ?? '']] : [])),
    );
    if (await picks(event)) {
      picked.push(id);
    }
  }
  for (let start = 0; start < picked.length; start += EVENTS_PER_DELETE) {
    const chunk = picked.slice(start, start + EVENTS_PER_DELETE);
    await run('causewayDeleteEvents', [queue.keys.events, ...chunk]);
  }
}

/** Deletes the entries of the queue's event stream added at `time` (epoch ms) or before. */
export async function deleteEventsUpTo(queue: Queue, time: number): Promise<void> {
  const run = await scriptsOf(queue);
  await run('causewayDeleteEventsUpTo', [queue.keys.events, String(Math.floor(time))]);
}
