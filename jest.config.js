/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/moto/ needs moto (Python): `npm run test:moto` (jest.moto.config.js) runs it, `npm test` needs only npm.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/moto/'],
  // Type errors are caught by `npm run typecheck`; tests only transpile, which keeps the suite fast.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
  testTimeout: 30000,
};
