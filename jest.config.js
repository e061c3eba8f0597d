// Jest runs the TypeScript sources as native ES modules (Nest 12 is ESM-only),
// transpiled by swc with decorator metadata. `npm test` sets --experimental-vm-modules.
import { availableParallelism } from 'node:os';
const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  // e2e suites start real processes (the API, redis-server); unit suites open real stores
  testTimeout: 180000,
  // Suites spend much of their time waiting on the engine, redis-server, Chromium and the API's
  // own process, so two run side by side even on two cores, where jest's default (one fewer than
  // the cores) runs one at a time: the whole suite took 13 minutes so against 27.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // A worker that has opened and closed many embedded stores takes about a second to end after
  // Jest asks it to (the engine's native teardown, after JavaScript is done), longer than Jest's
  // default 500 ms, which then kills it and prints "A worker process has failed to exit
  // gracefully". There is no leaked handle to find; the workers are given the time they take.
  workerGracefulExitTimeout: 10_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
    {
      // Isolation, limits, hostile input and faults with real processes (`npm run
      // test:reliability`); the teardown prints the summary and writes artifacts/.
      ...shared,
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/reliability/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/reliability/support/global-teardown.ts',
    },
  ],
};
