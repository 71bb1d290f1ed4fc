/**
 * `npm run test:browser`: the report page in Debian's chromium (test/browser). Not part of `npm test`, which
 * needs nothing but npm; .ci/run installs chromium and runs it after `npm test`.
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
