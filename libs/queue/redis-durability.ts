import type { Redis } from 'ioredis';
import { messageOf } from '../errors/index.js';

/** A Redis setting as read by CONFIG GET: its name and value ('' when it is not reported). */
async function setting(redis: Redis, name: string): Promise<string> {
  // one name a call: Redis before 7 reads one pattern per CONFIG GET
  const pair = (await redis.call('CONFIG', 'GET', name)) as string[];
  return pair[1] ?? '';
}

/** The settings that decide what Redis keeps; `save` undefined when it could not be read. */
interface DurabilitySettings {
  policy: string;
  appendonly: string;
  save: string | undefined;
}

/** A field of an INFO answer (`name:value` lines), or undefined when it has none. */
function infoField(info: string, name: string): string | undefined {
  return info
    .split(/\r?\n/)
    .find((line) => line.startsWith(`${name}:`))
    ?.slice(name.length + 1);
}

/**
 * The settings by CONFIG GET; where CONFIG is refused (a managed service often refuses it), by
 * INFO, which tells the eviction policy and whether an append-only file is written, not the save
 * points. Throws the refusal of CONFIG when INFO does not tell them either.
 */
async function durabilitySettings(redis: Redis): Promise<DurabilitySettings> {
  try {
    return {
      policy: await setting(redis, 'maxmemory-policy'),
      appendonly: await setting(redis, 'appendonly'),
      save: await setting(redis, 'save'),
    };
  } catch (refused) {
    let info: string;
    try {
      info = `${String(await redis.call('INFO', 'memory'))}\n${String(await redis.call('INFO', 'persistence'))}`;
    } catch {
      throw refused;
    }
    const policy = infoField(info, 'maxmemory_policy');
    const aof = infoField(info, 'aof_enabled');
    if (policy === undefined || aof === undefined) {
      throw refused;
    }
    return { policy, appendonly: aof === '1' ? 'yes' : 'no', save: undefined };
  }
}

/**
 * What keeps the Redis at `redis` from keeping what it holds, a sentence each naming the setting
 * and what to set; none when it keeps it. A batch counts as durable once it is a BullMQ job, so a
 * Redis that evicts keys under memory pressure, or keeps nothing on disk, can lose acknowledged
 * batches. A Redis that answers neither CONFIG nor INFO is answered with one sentence saying that
 * nothing could be checked.
 */
export async function redisDurabilityWarnings(redis: Redis): Promise<string[]> {
  let settings: DurabilitySettings;
  try {
    settings = await durabilitySettings(redis);
  } catch (error) {
    return [
      `Redis durability could not be checked (CONFIG GET was refused: ${messageOf(error)}): ` +
        'queued batches are acknowledged once Redis holds them, so make sure it runs with ' +
        'maxmemory-policy noeviction and appendonly yes',
    ];
  }
  const { policy, appendonly, save } = settings;
  const warnings: string[] = [];
  if (policy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is ${policy}: when Redis reaches maxmemory it may evict queued ` +
        'batches that were acknowledged as durable; set maxmemory-policy noeviction',
    );
  }
  if (appendonly !== 'yes') {
    warnings.push(appendOnlyWarning(save));
  }
  return warnings;
}

function appendOnlyWarning(save: string | undefined): string {
  if (save === undefined) {
    return (
      'Redis writes no append-only file (appendonly no, read from INFO; its save points could not ' +
      'be read): a Redis restart loses the queued batches not yet on disk, though they were ' +
      'acknowledged; set appendonly yes'
    );
  }
  return save.trim() === ''
    ? 'Redis keeps nothing on disk (appendonly no, no save points): a Redis restart loses ' +
        'the queued batches not yet stored, though they were acknowledged; set appendonly yes'
    : `Redis writes only snapshots (appendonly no, save "${save}"): a Redis restart loses ` +
        'the batches acknowledged since the last one; set appendonly yes';
}
