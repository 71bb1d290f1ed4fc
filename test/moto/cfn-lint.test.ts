/**
 * cfn-lint (AWS's CloudFormation linter, Python: `pip install cfn-lint`) over the packaged template of
 * each variant: no error, and no warning but those in cfn-lint-allowed.json, each with the reason
 * CloudFormation accepts it. Here rather than in `npm test`, which needs nothing but npm; when cfn-lint
 * is missing the suite fails saying what to install, it never skips.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { packageService, type PackagedService, type StageSettings } from '../infra/support/package-service';

const INSTALL_HINT = 'cfn-lint is needed for `npm run test:moto`: install it with `pip install cfn-lint`';
const TEMPLATE_FILE = 'cloudformation-template-update-stack.json';

/** Stage → its settings (stages/<stage>.yml); undefined: the project's own stages/ci.yml, all defaults. */
const VARIANTS: Readonly<Record<string, StageSettings | undefined>> = {
  ci: undefined,
  slack: { alertEmail: 'oncall@example.com', slackEnabled: 'true' },
  keys: { kmsKeyAlias: 'alias/failwatch-prod', tableKmsKeyAlias: 'alias/failwatch-prod-table' },
  unmanaged: { manageAlarms: 'false' },
};

const allowList = z
  .object({ allowed: z.array(z.object({ rule: z.string().regex(/^W\d{4}$/, 'only warnings may be allowed, never errors'), where: z.string(), reason: z.string().min(40) })) })
  .parse(JSON.parse(readFileSync(join(__dirname, 'cfn-lint-allowed.json'), 'utf8'))).allowed;

const cfnLintOutput = z.array(
  z.object({
    Filename: z.string(),
    Level: z.string(),
    Message: z.string(),
    Rule: z.object({ Id: z.string() }),
    Location: z.object({ Path: z.array(z.union([z.string(), z.number()])) }),
  }),
);

interface Finding {
  readonly file: string;
  readonly rule: string;
  readonly where: string;
  readonly message: string;
}

/**
 * Lints the templates in one cfn-lint run. Exit codes 0 to 15 are bits for what it found (2 error, 4
 * warning, 8 informational), reported on standard output; anything else is cfn-lint failing.
 */
async function cfnLint(templates: readonly string[]): Promise<Finding[]> {
  let stdout: string;
  try {
    // env given explicitly: under jest, `process.env` is the test's own copy, which execFile would not see by itself.
    ({ stdout } = await promisify(execFile)('cfn-lint', ['--format', 'json', '--', ...templates], { env: process.env, maxBuffer: 16 * 1024 * 1024 }));
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') throw new Error(`cfn-lint was not found on the PATH. ${INSTALL_HINT}`, { cause: error });
    if (typeof failure.code !== 'number' || failure.code > 15 || failure.code === 1) throw new Error(`cfn-lint failed (exit ${String(failure.code)}): ${failure.stderr ?? ''}. ${INSTALL_HINT}`, { cause: error });
    stdout = failure.stdout ?? '';
  }
  return cfnLintOutput.parse(JSON.parse(stdout)).map((found) => ({
    file: found.Filename,
    rule: found.Rule.Id,
    where: found.Location.Path.join('/'),
    message: `${found.Level}: ${found.Message}`,
  }));
}

const allowedBy = (finding: Finding) => allowList.find((entry) => entry.rule === finding.rule && new RegExp(entry.where).test(finding.where));

let packages: Map<string, PackagedService>;
let findings: Map<string, Finding[]>;

beforeAll(async () => {
  const outcomes = await Promise.allSettled(Object.entries(VARIANTS).map(async ([stage, settings]) => [stage, await packageService(stage, settings)] as const));
  packages = new Map(outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : [])));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
  const templateOf = (stage: string) => join((packages.get(stage) as PackagedService).artifactDir, TEMPLATE_FILE);
  const all = await cfnLint(Object.keys(VARIANTS).map(templateOf));
  findings = new Map(Object.keys(VARIANTS).map((stage) => [stage, all.filter((finding) => finding.file === templateOf(stage))]));
}, 240_000);

afterAll(() => {
  for (const built of packages?.values() ?? []) built.remove();
});

describe('cfn-lint over the packaged templates', () => {
  it.each(Object.keys(VARIANTS))('stage %s: no error, and every warning in cfn-lint-allowed.json', (stage) => {
    const notAllowed = (findings.get(stage) ?? []).filter((finding) => allowedBy(finding) === undefined);
    expect(notAllowed.map(({ rule, where, message }) => ({ rule, where, message }))).toEqual([]);
  });

  it('lints every variant and reads its findings (a template with a known warning has it)', () => {
    for (const stage of Object.keys(VARIANTS)) expect(findings.get(stage)?.map((finding) => finding.rule)).toContain('W3005');
  });

  it('needs every entry of the allow-list in some variant: one no longer needed is removed', () => {
    const unused = allowList.filter((entry) => ![...findings.values()].flat().some((finding) => allowedBy(finding) === entry));
    expect(unused).toEqual([]);
  });

  it('fails, saying what to install, when cfn-lint cannot be found', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(cfnLint(['template.json'])).rejects.toThrow('cfn-lint was not found on the PATH. cfn-lint is needed for `npm run test:moto`: install it with `pip install cfn-lint`');
    } finally {
      process.env['PATH'] = path;
    }
  });
});
