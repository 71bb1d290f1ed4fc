/**
 * The credential chain of the deployed bundles: it stands in for `@aws-sdk/credential-provider-node`
 * there only (serverless.yml's esbuild `alias`); tests, the demo and the CLI run from source with the
 * SDK's full chain.
 *
 * A deployed function gets its role's credentials from the Lambda runtime as AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (Lambda developer guide, "Defined runtime environment
 * variables"), and `serverless invoke local` puts the caller's credentials in the same variables. The
 * SDK's default chain also reads profiles, SSO, credential processes and web identity tokens, and carries
 * the STS and SSO clients they call: ~120 KB that every cold start parses (~10 ms, bench/README.md) and
 * no deployed run reaches. The SDK cannot leave them out itself (aws/aws-sdk-js-v3#5516, #6087).
 * Kept: the environment, then container credentials (AWS_CONTAINER_CREDENTIALS_*) when those are set,
 * as the SDK's chain reads them.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp, type FromHttpOptions } from '@aws-sdk/credential-provider-http';
import { chain, CredentialsProviderError, memoize } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

const CONTAINER_VARIABLES = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] as const;

/** As the SDK's chain: credentials that expire within five minutes are fetched again. */
const REFRESH_WINDOW_MS = 5 * 60_000;
const expiresSoon = (credentials: AwsCredentialIdentity): boolean => credentials.expiration !== undefined && credentials.expiration.getTime() - Date.now() < REFRESH_WINDOW_MS;
const mayExpire = (credentials: AwsCredentialIdentity): boolean => credentials.expiration !== undefined;

function containerCredentials(init: FromHttpOptions): AwsCredentialIdentityProvider {
  return async (properties) => {
    if (!CONTAINER_VARIABLES.some((name) => process.env[name])) {
      throw new CredentialsProviderError(`${CONTAINER_VARIABLES.join(' and ')} are not set.`, { logger: init.logger });
    }
    return fromHttp(init)(properties);
  };
}

function noCredentials(init: FromHttpOptions): AwsCredentialIdentityProvider {
  return async () => {
    const profile = process.env['AWS_PROFILE'] ? ` AWS_PROFILE (${process.env['AWS_PROFILE']}) is set, but a bundle does not read profiles.` : '';
    throw new CredentialsProviderError(
      'No AWS credentials in the environment. A Failwatch bundle reads only AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN ' +
        `(set by Lambda from the function's role, and by \`serverless invoke local\` from your profile) or container credentials.${profile} ` +
        'To run a bundle another way, export those variables.',
      { logger: init.logger, tryNextLink: false },
    );
  };
}

/** The SDK clients call this once each, with their configuration, when no `credentials` are given. */
export function defaultProvider(init: FromHttpOptions = {}): AwsCredentialIdentityProvider {
  return memoize(chain(fromEnv(init), containerCredentials(init), noCredentials(init)), expiresSoon, mayExpire);
}
