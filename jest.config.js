/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The browser test needs Debian's chromium (`npm run test:browser`, jest.browser.config.js), test/moto/ needs
  // moto (`npm run test:moto`, jest.moto.config.js): `npm test` needs only npm.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/', '<rootDir>/test/moto/'],
  // Type errors are caught by `npm run typecheck`; tests only transpile, which keeps the suite fast.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  testTimeout: 30000,
};
