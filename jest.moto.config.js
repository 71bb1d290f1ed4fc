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
  // Each suite starts its own moto on a port of its own, so two run at once, one per core of a 2-core CI
  // machine; most of a suite's time is osls and esbuild packaging, which use one core each.
  maxWorkers: 2,
  // Hooks start moto (a Python import of every service) and build a stage beside the other worker's
  // packaging: seconds on an idle machine, but a timeout here says nothing about Failwatch.
  testTimeout: 120_000,
};
