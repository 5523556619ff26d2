/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.(unit|store|projection|e2e|smoke)-spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: {
    '^@tally/event-store(|/.*)$': '<rootDir>/libs/event-store/src$1',
    '^@tally/reports(|/.*)$': '<rootDir>/libs/reports/src$1',
    '^@tally/http(|/.*)$': '<rootDir>/libs/http/src$1',
  },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60_000,
};
