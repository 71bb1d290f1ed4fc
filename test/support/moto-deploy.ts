/**
 * The real `serverless` command (osls) run against moto, on a private copy of the project (as
 * test/infra/support/package-service.ts makes one): `deploy`, `info`, `remove`, with the SDK's standard
 * AWS_ENDPOINT_URL pointing at moto, dummy credentials and us-east-1, and nothing else from the
 * caller's AWS settings in reach. The copy keeps the project's own stages/<stage>.yml; `editStageFile`
 * changes it there, as a user edits theirs before deploying again (docs/configuration.md).
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from '../infra/support/cloudformation';
import { copyService, runServerless } from '../infra/support/package-service';

/** How often osls polls the stack while it changes: its default, 5 s, is most of a deploy's time on moto. */
const STACK_POLL_MS = '500';

export interface ServiceOnMoto {
  readonly stage: string;
  readonly serviceDir: string;
  /** `serverless <args> --stage <stage>`; fails with osls's output when the command fails. */
  run(...args: string[]): Promise<{ readonly output: string }>;
  /** The template the last deploy packaged (.serverless/cloudformation-template-update-stack.json). */
  packagedTemplate(): Template;
  /** The zip the last deploy packaged for a function. */
  packagedZip(functionKey: string): Buffer;
  /** Adds lines to the copy's stages/<stage>.yml (the project's own file is never touched). */
  editStageFile(lines: string): void;
  remove(): void;
}

export function serviceOnMoto(stage: string, endpoint: string): ServiceOnMoto {
  const copy = copyService(stage, undefined);
  const env: NodeJS.ProcessEnv = {
    ...copy.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    SLS_AWS_MONITORING_FREQUENCY: STACK_POLL_MS,
  };
  const artifacts = join(copy.serviceDir, '.serverless');
  return {
    stage,
    serviceDir: copy.serviceDir,
    async run(...args) {
      try {
        const { stdout, stderr } = await runServerless(copy, [...args, '--stage', stage], env);
        return { output: `${stdout}\n${stderr}` };
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`serverless ${args.join(' ')} --stage ${stage} failed against moto:\n${stdout}\n${stderr}`, { cause: error });
      }
    },
    packagedTemplate: () => JSON.parse(readFileSync(join(artifacts, 'cloudformation-template-update-stack.json'), 'utf8')) as Template,
    packagedZip: (functionKey) => readFileSync(join(artifacts, `${functionKey}.zip`)),
    editStageFile: (lines) => appendFileSync(join(copy.serviceDir, 'stages', `${stage}.yml`), `\n${lines}`),
    remove: () => rmSync(copy.work, { recursive: true, force: true }),
  };
}
