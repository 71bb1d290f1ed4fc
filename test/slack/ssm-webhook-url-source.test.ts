import { GetParameterCommand, ParameterNotFound, SSMClient, SSMServiceException } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigurationError, NotifierError } from '../../lib/errors';
import { SsmWebhookUrlSource } from '../../lib/slack/ssm-webhook-url-source';
import { everythingIn } from '../support/output-capture';

const PARAMETER = '/failwatch/prod/slack-webhook';
const URL_VALUE = 'https://hooks.slack.com/services/T000/B000/SECRETTOKEN';

const ssm = mockClient(SSMClient);
const source = () => new SsmWebhookUrlSource(new SSMClient({ region: 'us-east-1' }), PARAMETER);

function serviceError(name: string, fault: 'client' | 'server'): SSMServiceException {
  return new SSMServiceException({ name, $fault: fault, $metadata: { httpStatusCode: fault === 'client' ? 400 : 500 }, message: `${name} happened` });
}

beforeEach(() => ssm.reset());

describe('SsmWebhookUrlSource', () => {
  it('reads the SecureString decrypted, once, however many times it is asked', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: PARAMETER, Type: 'SecureString', Value: `${URL_VALUE}\n` } });
    const urls = source();

    const read = await Promise.all([urls.getUrl(), urls.getUrl()]);
    read.push(await urls.getUrl());

    expect(read).toEqual([URL_VALUE, URL_VALUE, URL_VALUE]);
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([{ Name: PARAMETER, WithDecryption: true }]);
  });

  it('does not keep a failed read: the next call asks SSM again', async () => {
    ssm.on(GetParameterCommand).rejectsOnce(serviceError('ThrottlingException', 'client')).resolves({ Parameter: { Value: URL_VALUE } });
    const urls = source();

    const error = await urls.getUrl().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotifierError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining(`SSM parameter ${PARAMETER}`) });

    await expect(urls.getUrl()).resolves.toBe(URL_VALUE);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('a missing parameter → ConfigurationError that says how to create it', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ $metadata: {}, message: '' }));

    const error = await source().getUrl().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`SSM parameter ${PARAMETER} does not exist`);
    expect((error as Error).message).toContain(`aws ssm put-parameter --type SecureString --name ${PARAMETER} --value https://hooks.slack.com/`);
  });

  it.each([
    ['AccessDeniedException', 'client', ConfigurationError, 'allow ssm:GetParameter'],
    ['InvalidKeyId', 'client', ConfigurationError, 'kms:Decrypt'],
    ['InternalServerError', 'server', NotifierError, 'InternalServerError'],
  ] as const)('%s → %p naming the parameter', async (name, fault, type, hint) => {
    ssm.on(GetParameterCommand).rejects(serviceError(name, fault));

    const error = await source().getUrl().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toContain(PARAMETER);
    expect((error as Error).message).toContain(hint);
  });

  it.each(['http://127.0.0.1:8080/services/T/B/SECRETTOKEN', 'http://localhost/services/T/B/SECRETTOKEN', 'http://[::1]:9000/services/T/B/SECRETTOKEN'])(
    'plain http is taken only on this machine, where nothing crosses a network (local runs): %s',
    async (value) => {
      ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
      await expect(source().getUrl()).resolves.toBe(value);
    },
  );

  it.each([
    ['empty', '  ', 'is empty'],
    ['not a URL', 'SECRETTOKEN-not-a-url', 'does not hold an https URL'],
    ['another scheme', 'ftp://hooks.slack.com/services/SECRETTOKEN', 'does not hold an https URL'],
    ['plain http to Slack', 'http://hooks.slack.com/services/SECRETTOKEN', 'does not hold an https URL'],
    ['plain http to any other host', 'http://10.0.0.7/services/SECRETTOKEN', 'does not hold an https URL'],
  ])('a parameter that is %s → ConfigurationError that never quotes the value', async (_case, value, problem) => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value } });

    const error = await source().getUrl().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`SSM parameter ${PARAMETER} ${problem}`);
    expect(everythingIn(error)).not.toContain('SECRETTOKEN');
  });
});
