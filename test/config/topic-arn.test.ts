/** Where the alerts go: FAILWATCH_TOPIC_ARN when given, else FAILWATCH_TOPIC_NAME in the function's own partition, region and account. */
import type { Context } from 'aws-lambda';
import { createHandler as createAlarmHandler } from '../../handlers/alarm';
import { createHandler as createPollHandler } from '../../handlers/poll';
import { loadWatchConfig } from '../../lib/runtime/config';
import { ConfigurationError } from '../../lib/errors';
import { once } from '../../lib/runtime/lambda';
import { loadEvent } from '../../local/harness';

const TABLE = { FAILWATCH_TABLE: 'failwatch-prod-history' };
const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:failwatch-prod-poll';

describe('configuration: the SNS topic ARN', () => {
  it('FAILWATCH_TOPIC_ARN, when given, wins over a name and the function ARN', () => {
    const env = { ...TABLE, FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:failwatch-local-alerts', FAILWATCH_TOPIC_NAME: 'failwatch-prod-alerts' };
    expect(loadWatchConfig(env, { invokedFunctionArn: FUNCTION_ARN }).topicArn).toBe('arn:aws:sns:us-east-1:000000000000:failwatch-local-alerts');
    expect(loadWatchConfig(env).topicArn).toBe('arn:aws:sns:us-east-1:000000000000:failwatch-local-alerts');
  });

  it.each([
    ['the aws partition', FUNCTION_ARN, 'arn:aws:sns:eu-west-1:123456789012:failwatch-prod-alerts'],
    ['the aws-cn partition', 'arn:aws-cn:lambda:cn-north-1:210987654321:function:failwatch-prod-alarm', 'arn:aws-cn:sns:cn-north-1:210987654321:failwatch-prod-alerts'],
    ['the aws-us-gov partition', 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:failwatch-prod-poll', 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:failwatch-prod-alerts'],
    ['a function ARN with an alias', 'arn:aws:lambda:us-east-1:123456789012:function:failwatch-prod-poll:live', 'arn:aws:sns:us-east-1:123456789012:failwatch-prod-alerts'],
    ['a function ARN with a version', 'arn:aws:lambda:us-east-1:123456789012:function:failwatch-prod-poll:42', 'arn:aws:sns:us-east-1:123456789012:failwatch-prod-alerts'],
  ])('FAILWATCH_TOPIC_NAME + the function ARN (%s) → the topic ARN in its partition, region and account', (_, invokedFunctionArn, topicArn) => {
    expect(loadWatchConfig({ ...TABLE, FAILWATCH_TOPIC_NAME: 'failwatch-prod-alerts' }, { invokedFunctionArn }).topicArn).toBe(topicArn);
  });

  it('neither FAILWATCH_TOPIC_ARN nor FAILWATCH_TOPIC_NAME → ConfigurationError naming both and what to set', () => {
    const load = () => loadWatchConfig(TABLE, { invokedFunctionArn: FUNCTION_ARN });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(/FAILWATCH_TOPIC_ARN is not set: give the SNS topic ARN, or set FAILWATCH_TOPIC_NAME to the topic's name/);
  });

  it.each([
    ['no function ARN (no context)', undefined],
    ['a function ARN that is not one', 'offline_invokedFunctionArn_for_failwatch-dev-alarm'],
  ])('FAILWATCH_TOPIC_NAME with %s → ConfigurationError naming both variables, asking for FAILWATCH_TOPIC_ARN', (_, invokedFunctionArn) => {
    const load = () => loadWatchConfig({ ...TABLE, FAILWATCH_TOPIC_NAME: 'failwatch-prod-alerts' }, { invokedFunctionArn });
    expect(load).toThrow(ConfigurationError);
    expect(load).toThrow(/FAILWATCH_TOPIC_ARN is not set, and FAILWATCH_TOPIC_NAME \(failwatch-prod-alerts\) needs the function's ARN.*set FAILWATCH_TOPIC_ARN to the SNS topic ARN/);
  });

  it.each([
    ['FAILWATCH_TOPIC_ARN', 'arn:aws:sqs:us-east-1:123456789012:failwatch', /FAILWATCH_TOPIC_ARN must be an SNS topic ARN/],
    ['FAILWATCH_TOPIC_NAME', 'failwatch:alerts', /FAILWATCH_TOPIC_NAME must be an SNS topic name/],
    ['FAILWATCH_TOPIC_NAME', '', /FAILWATCH_TOPIC_NAME must be an SNS topic name/],
  ])('a malformed %s → ConfigurationError naming it', (name, value, message) => {
    expect(() => loadWatchConfig({ ...TABLE, [name]: value }, { invokedFunctionArn: FUNCTION_ARN })).toThrow(message);
  });
});

describe('the handlers hand the invocation\'s context to the wiring, once per container', () => {
  const context = { invokedFunctionArn: FUNCTION_ARN, getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

  it('once: the first call\'s arguments build the value; later calls reuse it', () => {
    const build = jest.fn((fn?: { invokedFunctionArn?: string }) => fn?.invokedFunctionArn);
    const get = once(build);
    expect(get({ invokedFunctionArn: 'first' })).toBe('first');
    expect(get({ invokedFunctionArn: 'second' })).toBe('first');
    expect(build).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['poll', (getDeps: (context?: Context) => never) => createPollHandler(getDeps)(loadEvent('scheduled.json'), context)],
    ['alarm', (getDeps: (context?: Context) => never) => createAlarmHandler(getDeps)(loadEvent('alarm-alarm.json'), context)],
  ])('%s passes its context to getDeps', async (_, invoke) => {
    const getDeps = jest.fn((): never => {
      throw new ConfigurationError('stop here');
    });
    await expect(invoke(getDeps)).rejects.toThrow('stop here');
    expect(getDeps).toHaveBeenCalledWith(context);
  });
});
