/** The helpers test/infra relies on, checked on small inputs so their verdicts can be trusted. */
import { deflateRawSync } from 'node:zlib';
import { matchesEventPattern } from './support/event-pattern';
import { sdkActionsInSource } from './support/sdk-actions';
import { readZipEntries, readZipMember } from './support/zip-entries';

describe('event pattern matcher (the EventBridge subset serverless.yml uses)', () => {
  const pattern = { source: ['aws.cloudwatch'], detail: { metrics: { metricStat: { namespace: ['AWS/Route53'], name: ['HealthCheckStatus'] } } } };
  const metric = (namespace: string, name: string) => ({ metricStat: { namespace, name } });

  it.each([
    ['a nested exact value', { source: 'aws.cloudwatch', detail: { metrics: metric('AWS/Route53', 'HealthCheckStatus') } }, true],
    ['an array in the event, one element matching', { source: 'aws.cloudwatch', detail: { metrics: [metric('AWS/EC2', 'CPUUtilization'), metric('AWS/Route53', 'HealthCheckStatus')] } }, true],
    ['an array leaf in the event', { source: ['aws.events', 'aws.cloudwatch'], detail: { metrics: [metric('AWS/Route53', 'HealthCheckStatus')] } }, true],
    ['fields spread over two elements (one element must match)', { source: 'aws.cloudwatch', detail: { metrics: [metric('AWS/Route53', 'CPUUtilization'), metric('AWS/EC2', 'HealthCheckStatus')] } }, false],
    ['another value', { source: 'aws.events', detail: { metrics: [metric('AWS/Route53', 'HealthCheckStatus')] } }, false],
    ['a missing field', { source: 'aws.cloudwatch', detail: {} }, false],
    ['an object where a value is expected', { source: { nested: 'aws.cloudwatch' }, detail: { metrics: [metric('AWS/Route53', 'HealthCheckStatus')] } }, false],
    ['not an object', 'aws.cloudwatch', false],
  ])('%s → %s', (_, event, expected) => {
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it('refuses pattern features it does not implement', () => {
    expect(() => matchesEventPattern({ source: [{ prefix: 'aws.' }] }, { source: 'aws.cloudwatch' })).toThrow(/exact values only/);
    expect(() => matchesEventPattern({ source: 'aws.cloudwatch' }, { source: 'aws.cloudwatch' })).toThrow(/array of values or an object/);
  });
});

describe('SDK call scanner (what a handler may call, as IAM actions)', () => {
  it.each([
    ["import { GetHealthCheckStatusCommand, paginateListHostedZones, type Route53Client } from '@aws-sdk/client-route-53';", ['route53:GetHealthCheckStatus', 'route53:ListHostedZones']],
    ["import {\n  GetCommand,\n  UpdateCommand as Update,\n  paginateQuery,\n} from '@aws-sdk/lib-dynamodb';", ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query']],
    ["import { paginateGetMetricData } from '@aws-sdk/client-cloudwatch';", ['cloudwatch:GetMetricData']],
    ["import type { CreateTableCommandInput, CreateTableCommand } from '@aws-sdk/client-dynamodb';", []],
    ["import { SNSClient, SNSServiceException, PublishCommand } from '@aws-sdk/client-sns';", ['sns:Publish']],
  ])('%s → %j', (source, actions) => {
    expect(sdkActionsInSource(source, 'x.ts')).toEqual({ actions, problems: [] });
  });

  it.each([
    ["import { Route53 } from '@aws-sdk/client-route-53';", /use Command classes/],
    ["import * as sns from '@aws-sdk/client-sns';", /hides which operations/],
    ["import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';", /use Command classes/],
    ["import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch-new';", /no known IAM action/],
  ])('flags %s', (source, problem) => {
    expect(sdkActionsInSource(source, 'x.ts').problems).toEqual([expect.stringMatching(problem)]);
  });
});

describe('zip reader', () => {
  /** A two-member zip (one stored, one deflated), written by hand to the format's letter. */
  function zipOf(members: readonly { name: string; data: Buffer; deflate: boolean }[]): Buffer {
    const locals: Buffer[] = [];
    const centrals: Buffer[] = [];
    let offset = 0;
    for (const { name, data, deflate } of members) {
      const body = deflate ? deflateRawSync(data) : data;
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(deflate ? 8 : 0, 8);
      local.writeUInt32LE(body.length, 18);
      local.writeUInt32LE(data.length, 22);
      local.writeUInt16LE(name.length, 26);
      const central = Buffer.alloc(46);
      central.writeUInt32LE(0x02014b50, 0);
      central.writeUInt16LE(deflate ? 8 : 0, 10);
      central.writeUInt32LE(body.length, 20);
      central.writeUInt32LE(data.length, 24);
      central.writeUInt16LE(name.length, 28);
      central.writeUInt32LE(offset, 42);
      locals.push(local, Buffer.from(name), body);
      centrals.push(central, Buffer.from(name));
      offset += 30 + name.length + body.length;
    }
    const directory = Buffer.concat(centrals);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(members.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, directory, end]);
  }

  it('lists the members and reads stored and deflated ones', () => {
    const zip = zipOf([
      { name: 'handlers/poll.js', data: Buffer.from('exports.handler = 1;'), deflate: true },
      { name: 'handlers/poll.js.map', data: Buffer.from('{}'), deflate: false },
    ]);
    const entries = readZipEntries(zip);
    expect(entries.map((entry) => [entry.name, entry.size])).toEqual([['handlers/poll.js', 20], ['handlers/poll.js.map', 2]]);
    expect(entries.map((entry) => readZipMember(zip, entry).toString())).toEqual(['exports.handler = 1;', '{}']);
  });

  it('says so when the file is not a zip', () => {
    expect(() => readZipEntries(Buffer.alloc(64))).toThrow(/not a zip file/);
  });
});
