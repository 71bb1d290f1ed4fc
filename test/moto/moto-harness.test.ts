/** The moto harness itself (test/support/moto.ts): loopback, the SDK's standard variable only, reset, stop, and a loud failure without moto. */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { startMoto } from '../support/moto';

describe('startMoto', () => {
  it('serves on 127.0.0.1, reached by a client given no endpoint; reset forgets; stop ends the server and restores the variables', async () => {
    const before = { endpoint: process.env['AWS_ENDPOINT_URL'], region: process.env['AWS_REGION'] };
    const moto = await startMoto();
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(process.env['AWS_ENDPOINT_URL']).toBe(moto.endpoint);

    const sns = new SNSClient({});
    try {
      await sns.send(new CreateTopicCommand({ Name: 'harness' }));
      expect((await sns.send(new ListTopicsCommand({}))).Topics?.map((topic) => topic.TopicArn)).toEqual(['arn:aws:sns:us-east-1:123456789012:harness']);
      await moto.reset();
      expect((await sns.send(new ListTopicsCommand({}))).Topics ?? []).toEqual([]);
    } finally {
      sns.destroy();
      await moto.stop();
    }

    expect({ endpoint: process.env['AWS_ENDPOINT_URL'], region: process.env['AWS_REGION'] }).toEqual(before);
    await expect(fetch(`${moto.endpoint}/moto-api/`)).rejects.toThrow();
  });

  it('fails, saying what to install, when python3 cannot be found', async () => {
    const path = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      await expect(startMoto()).rejects.toThrow("python3 was not found. moto and cfn-lint are needed for `npm run test:moto`: install them with `pip install 'moto[server]' cfn-lint`");
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('fails, saying what to install, when the python3 found has no moto', async () => {
    const realPython = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
    const dir = mkdtempSync(join(tmpdir(), 'no-moto-'));
    // -S: without site-packages, where moto is installed.
    writeFileSync(join(dir, 'python3'), `#!/bin/sh\nexec ${realPython} -S "$@"\n`);
    chmodSync(join(dir, 'python3'), 0o755);
    const path = process.env['PATH'];
    process.env['PATH'] = `${dir}:/usr/bin:/bin`;
    try {
      await expect(startMoto()).rejects.toThrow(/moto ended before it listened \(exit 1\)\. moto and cfn-lint are needed for `npm run test:moto`: install them with `pip install 'moto\[server\]' cfn-lint`[^]*moto is not installed/);
    } finally {
      process.env['PATH'] = path;
      rmSync(dir, { recursive: true });
    }
  });

  it('fails, saying what to install, when the python3 found has no cfn-lint (moto\'s template validation runs it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-cfn-lint-'));
    // A cfnlint package first on the import path that cannot be imported, as if cfn-lint were not installed.
    mkdirSync(join(dir, 'cfnlint'));
    writeFileSync(join(dir, 'cfnlint', '__init__.py'), 'raise ImportError("No module named \'cfnlint\'")\n');
    const pythonPath = process.env['PYTHONPATH'];
    process.env['PYTHONPATH'] = dir;
    try {
      await expect(startMoto()).rejects.toThrow(/moto ended before it listened \(exit 1\)\. moto and cfn-lint are needed for `npm run test:moto`[^]*cfn-lint is not installed/);
    } finally {
      if (pythonPath === undefined) delete process.env['PYTHONPATH'];
      else process.env['PYTHONPATH'] = pythonPath;
      rmSync(dir, { recursive: true });
    }
  });
});
