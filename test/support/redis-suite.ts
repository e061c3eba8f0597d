import { afterAll, beforeAll, describe } from '@jest/globals';
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
