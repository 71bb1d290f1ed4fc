/**
 * `npm run test:emulator`: what needs more of AWS than dynalite and the local stand-ins offer (a deployed
 * stage's function configuration, ...), against moto (test/emulator). Not part of `npm test`, which needs
 * nothing but npm; moto_server must be on the PATH (pip install "moto[server]").
 * @type {import('jest').Config}
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/emulator'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
