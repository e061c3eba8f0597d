import { afterAll, beforeAll, describe } from '@jest/globals';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { JobName, QueueName } from '../../libs/queue/index.js';
import { redisAvailable, requirePart, startRedis, type RedisProcess } from './processes.js';

/** The redis-server of a suite: the same port across a stop and a restart. */
export interface SuiteRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  /** Starts it again on the port it had, after a stop. */
  restart(): Promise<void>;
}

/**
 * A describe whose body runs against its own redis-server: started before the body's own
 * beforeAll hooks, stopped after its afterAll hooks (jest-circus runs hooks in the order they
 * are declared), so the processes the body starts on it never outlive it. Skipped, or failed
 * under CI=true, when a part is missing (see requirePart).
 *
 * @param missing why the suite cannot run, checked in place of redisAvailable() when given
 */
export function describeWithRedis(title: string, body: (redis: SuiteRedis) => void): void;
export function describeWithRedis(
  title: string,
  missing: string | undefined,
  body: (redis: SuiteRedis) => void,
): void;
export function describeWithRedis(
  title: string,
  ...rest: [(redis: SuiteRedis) => void] | [string | undefined, (redis: SuiteRedis) => void]
): void {
  const [missing, body] = rest.length === 1 ? [redisAvailable(), rest[0]] : rest;
  (requirePart(missing) ? describe : describe.skip)(title, () => {
    let current: RedisProcess | undefined;
    const started = (): RedisProcess => {
      if (current === undefined) {
        throw new Error(
          'the suite’s redis-server is not started yet (read it inside a test or hook)',
        );
      }
      return current;
    };
    const redis: SuiteRedis = {
      get url() {
        return started().url;
      },
      get port() {
        return started().port;
      },
      stop: () => started().stop(),
      async restart() {
        current = await startRedis(started().port);
      },
    };
    beforeAll(async () => {
      current = await startRedis();
    });
    body(redis);
    afterAll(async () => {
      await current?.stop();
    });
  });
}

/** A BullMQ queue on a suite's redis-server, and how to reach that server (for its workers). */
export interface SuiteQueue {
  /** The queue, open from the suite's beforeAll hooks to its afterAll hooks. */
  readonly queue: Queue;
  readonly connection: () => { host: string; port: number };
}

/**
 * The queue `name` on `redis`, opened before the hooks and tests declared after this call and
 * closed after them: call it in a describeWithRedis body, as storeForSuite in a describe.
 */
export function queueForSuite(redis: SuiteRedis, name: string): SuiteQueue {
  let current: Queue | undefined;
  const connection = () => ({ host: '127.0.0.1', port: redis.port });
  beforeAll(() => {
    current = new Queue(name, { connection: connection() });
  });
  afterAll(async () => {
    await current?.close();
  });
  return {
    get queue() {
      if (current === undefined) {
        throw new Error('the suite’s queue is not open yet (read it inside a test or hook)');
      }
      return current;
    },
    connection,
  };
}

/** Every key of the redis-server on `port` and its value, as text (to look for what it holds). */
export async function redisContents(port: number): Promise<string> {
  const client = new Redis({ host: '127.0.0.1', port });
  try {
    const parts: string[] = [];
    for (const key of await client.keys('*')) {
      const type = await client.type(key);
      const value =
        type === 'hash'
          ? await client.hgetall(key)
          : type === 'list'
            ? await client.lrange(key, 0, -1)
            : type === 'zset'
              ? await client.zrange(key, 0, -1)
              : type === 'set'
                ? await client.smembers(key)
                : type === 'stream'
                  ? await client.xrange(key, '-', '+')
                  : await client.get(key);
      parts.push(key, JSON.stringify(value));
    }
    return parts.join('\n');
  } finally {
    client.disconnect();
  }
}

/**
 * Adds an ingest batch (`data`, its request id the job's) to `queue` and runs it through
 * `process` on a worker of its own, once, to its end (completed or failed).
 */
export async function runIngestJob(
  queue: Queue,
  port: number,
  data: { requestId: string },
  process: (job: Job) => Promise<void>,
): Promise<Job> {
  const added = await queue.add(JobName.IngestBatch, data, {
    jobId: data.requestId,
    attempts: 1,
    removeOnComplete: { age: 3600 },
    removeOnFail: false,
  });
  const worker = new Worker(QueueName.Ingest, process, { connection: { host: '127.0.0.1', port } });
  try {
    await new Promise<void>((resolve) => {
      const done = (finished: Job | undefined) => finished?.id === added.id && resolve();
      worker.on('completed', done);
      worker.on('failed', done);
    });
  } finally {
    await worker.close();
  }
  return added;
}
