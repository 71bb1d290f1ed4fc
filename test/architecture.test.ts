/**
 * Dependencies point inward: lib/domain imports only lib/domain, and never reads the environment or
 * the clock (time is a parameter). Checked on the source text, so it also catches code no test runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOMAIN_DIR = join(__dirname, '..', 'lib', 'domain');

const MODULE_SPECIFIERS = [
  /\bfrom\s*['"]([^'"]+)['"]/g, // import ... from 'x', export ... from 'x'
  /\bimport\s*['"]([^'"]+)['"]/g, // import 'x' (side effects only)
  /\bimport\s*\(\s*['"]([^'"]+)['"]/g, // import('x')
  /\brequire\s*\(\s*['"]([^'"]+)['"]/g, // require('x')
];

const FORBIDDEN_MENTIONS: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  { pattern: /\bprocess\s*[.[]/, why: 'reads `process` (the environment belongs to lib/runtime/config.ts)' },
  { pattern: /\bDate\s*\.\s*now\s*\(/, why: 'reads the clock with Date.now() (time is a parameter)' },
  { pattern: /\bnew\s+Date\s*\(\s*\)/, why: 'reads the clock with new Date() (time is a parameter)' },
  { pattern: /\bnew\s+Date\b(?!\s*\()/, why: 'reads the clock with `new Date` (time is a parameter)' },
  { pattern: /(?<!new\s+)\bDate\s*\(/, why: 'reads the clock with Date() (time is a parameter)' },
];

/** Every way `source` breaks the domain's rules, in words; empty when it keeps them. */
function findDomainViolations(source: string): string[] {
  const imports = MODULE_SPECIFIERS.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] ?? ''));
  const outside = imports.filter((specifier) => !specifier.startsWith('./')).map((specifier) => `imports '${specifier}' from outside lib/domain`);
  const mentions = FORBIDDEN_MENTIONS.filter(({ pattern }) => pattern.test(source)).map(({ why }) => why);
  return [...outside, ...mentions];
}

function domainSourceFiles(): string[] {
  return readdirSync(DOMAIN_DIR, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .sort();
}

describe('architecture: lib/domain is pure', () => {
  const files = domainSourceFiles();

  it('finds the domain core to check', () => {
    expect(files).toEqual(expect.arrayContaining(['model.ts', 'health.ts', 'failover.ts', 'transitions.ts']));
  });

  it.each(files)('lib/domain/%s imports only lib/domain and reads neither the environment nor the clock', (file) => {
    expect(findDomainViolations(readFileSync(join(DOMAIN_DIR, file), 'utf8'))).toEqual([]);
  });
});

describe('architecture: the checker itself catches violations', () => {
  it.each([
    ["import { Route53Client } from '@aws-sdk/client-route-53';", "imports '@aws-sdk/client-route-53' from outside lib/domain"],
    ["import type { Context } from 'aws-lambda';", "imports 'aws-lambda' from outside lib/domain"],
    ["import { loadConfig } from '../config';", "imports '../config' from outside lib/domain"],
    ["export { StaleStateError } from '../errors';", "imports '../errors' from outside lib/domain"],
    ["import 'node:fs';", "imports 'node:fs' from outside lib/domain"],
    ["const sdk = await import('@aws-sdk/client-sns');", "imports '@aws-sdk/client-sns' from outside lib/domain"],
    ["const fs = require('fs');", "imports 'fs' from outside lib/domain"],
    ['const table = process.env.TABLE_NAME;', 'reads `process` (the environment belongs to lib/runtime/config.ts)'],
    ["const table = process['env'];", 'reads `process` (the environment belongs to lib/runtime/config.ts)'],
    ['const started = Date.now();', 'reads the clock with Date.now() (time is a parameter)'],
    ['const now = new Date();', 'reads the clock with new Date() (time is a parameter)'],
    ['const now = new Date;', 'reads the clock with `new Date` (time is a parameter)'],
    ['const stamp = Date();', 'reads the clock with Date() (time is a parameter)'],
  ])('flags %s', (sample, violation) => {
    expect(findDomainViolations(sample)).toContain(violation);
  });

  it.each([
    "import { Verdict } from './model';",
    "import type { PairState } from './model';",
    "export { pairKey } from './model';",
    'const at = new Date(observedAt).getTime();',
    'const ms = Date.parse(until) - Date.parse(since);',
    'function elapsed(since: Date, until: Date): number { return until.getTime() - since.getTime(); }',
  ])('accepts %s', (sample) => {
    expect(findDomainViolations(sample)).toEqual([]);
  });
});
