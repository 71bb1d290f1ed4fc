/**
 * `npm run test:moto`: the suites under test/moto/, against moto (the AWS emulator, Python: `pip install
 * 'moto[server]'`), which each suite starts on 127.0.0.1 (test/support/moto.ts). `npm test` leaves them out.
 */
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/moto'],
  testPathIgnorePatterns: ['/node_modules/'],
  // One moto server per suite, started in its beforeAll: two suites at once would share the 2 cores.
  maxWorkers: 1,
};
