// Jest runs the TypeScript sources as native ES modules (Nest 12 is ESM-only),
// transpiled by swc with decorator metadata. `npm test` sets --experimental-vm-modules.
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
