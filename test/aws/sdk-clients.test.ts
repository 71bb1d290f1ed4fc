import { fullJitterBackoff } from '../../lib/aws/client-config';
import { createCloudWatchClient, createRoute53Client } from '../../lib/aws/sdk-clients';
import { ConfigurationError } from '../../lib/errors';

describe('fullJitterBackoff', () => {
  it('draws from [0, min(cap, base·2^n)) with n counting retries from 0', () => {
    const highest = fullJitterBackoff({ baseMs: 100, capMs: 1000, random: () => 0.9999 });
    expect([1, 2, 3, 4, 5, 6].map(highest)).toEqual([99, 199, 399, 799, 999, 999]);
    const lowest = fullJitterBackoff({ baseMs: 100, capMs: 1000, random: () => 0 });
    expect([1, 2, 3, 4].map(lowest)).toEqual([0, 0, 0, 0]);
  });
});

describe('SDK clients', () => {
  const savedRegion = process.env.AWS_REGION;
  afterEach(() => {
    if (savedRegion === undefined) delete process.env.AWS_REGION;
    else process.env.AWS_REGION = savedRegion;
  });

  it('both clients are pinned to us-east-1 whatever AWS_REGION the function runs in', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    const route53 = createRoute53Client();
    const cloudwatch = createCloudWatchClient();
    await expect(route53.config.region()).resolves.toBe('us-east-1');
    await expect(cloudwatch.config.region()).resolves.toBe('us-east-1');
    route53.destroy();
    cloudwatch.destroy();
  });

  it('uses the configured number of attempts rather than the SDK default', async () => {
    const cloudwatch = createCloudWatchClient({ maxAttempts: 7 });
    await expect(cloudwatch.config.maxAttempts()).resolves.toBe(7);
    cloudwatch.destroy();
  });

  it.each([
    [{ maxAttempts: 0 }, /maxAttempts must be a whole number of at least 1/],
    [{ backoffBaseMs: -1 }, /backoff base and cap must be 0 or more/],
    [{ requestsPerSecond: 0 }, /requestsPerSecond above 0/],
  ])('rejects %j with a ConfigurationError', (options, message) => {
    expect(() => createRoute53Client(options)).toThrow(ConfigurationError);
    expect(() => createRoute53Client(options)).toThrow(message);
  });
});
