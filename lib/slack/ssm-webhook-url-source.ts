/**
 * The Slack webhook URL from an SSM SecureString parameter, read once per container: the URL
 * changes rarely and every SSM call costs latency and quota. A failed read is not kept, so the
 * next invocation tries again.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig, type AwsClientOptions } from '../aws/client-config';
import { sdkErrorFacts } from '../aws/sdk-errors';
import { ConfigurationError, NotifierError } from '../errors';
import type { WebhookUrlSource } from './slack-ports';

/** What the source needs of an SSM client. */
export type SsmParameterReader = Pick<SSMClient, 'send'>;

/** The SSM client the Slack function uses: the retries and timeouts every Failwatch client shares, in AWS_REGION. */
export function createSsmClient(options: AwsClientOptions = {}): SSMClient {
  return new SSMClient(clientConfig(options));
}

export class SsmWebhookUrlSource implements WebhookUrlSource {
  private cached: Promise<string> | undefined;

  constructor(
    private readonly ssm: SsmParameterReader,
    private readonly parameterName: string,
  ) {}

  getUrl(): Promise<string> {
    if (!this.cached) {
      const reading = this.read();
      this.cached = reading;
      reading.catch(() => {
        if (this.cached === reading) this.cached = undefined;
      });
    }
    return this.cached;
  }

  invalidate(): void {
    this.cached = undefined;
  }

  private async read(): Promise<string> {
    const name = this.parameterName;
    let value: string | undefined;
    try {
      const output = await this.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      value = output.Parameter?.Value;
    } catch (error) {
      throw translateSsmError(error, name);
    }
    // The value is never quoted in these messages: it is the secret.
    if (!value?.trim()) throw new ConfigurationError(`SSM parameter ${name} is empty: ${putParameterHint(name)}`);
    if (!isHttpsUrl(value.trim())) {
      throw new ConfigurationError(`SSM parameter ${name} does not hold an https URL: ${putParameterHint(name)} --overwrite`);
    }
    return value.trim();
  }
}

function translateSsmError(error: unknown, name: string): Error {
  const errorName = error instanceof Error ? error.name : 'Error';
  const detail = error instanceof Error ? error.message : String(error);
  if (errorName === 'ParameterNotFound') {
    return new ConfigurationError(`SSM parameter ${name} does not exist: ${putParameterHint(name)}`, { cause: error });
  }
  if (errorName === 'AccessDeniedException' || errorName === 'InvalidKeyId' || errorName === 'KMSAccessDeniedException') {
    return new ConfigurationError(
      `Cannot read SSM parameter ${name} (${errorName}): allow ssm:GetParameter on it, and kms:Decrypt on its key, to this function's role`,
      { cause: error },
    );
  }
  // By name and HTTP status (sdkErrorFacts), as every adapter decides.
  const retryable = sdkErrorFacts(error).retryable || /Throttl|TooManyRequests/.test(errorName);
  return new NotifierError(`Could not read SSM parameter ${name} holding the Slack webhook URL: ${errorName}: ${detail}`, retryable, { cause: error });
}

function putParameterHint(name: string): string {
  return `create it with \`aws ssm put-parameter --type SecureString --name ${name} --value https://hooks.slack.com/services/...\``;
}

/** Hosts a plain `http:` URL may name: this machine (local runs and tests), where nothing crosses a network. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * `https:` only: the URL is a credential and the message what Failwatch knows of a failover, neither of
 * which may cross a network in clear text. (Slack's own webhooks are all https.)
 */
function isHttpsUrl(value: string): boolean {
  try {
    const { protocol, hostname } = new URL(value);
    return protocol === 'https:' || (protocol === 'http:' && LOOPBACK_HOSTS.has(hostname));
  } catch {
    return false;
  }
}
