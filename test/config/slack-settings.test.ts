import { loadSlackConfig } from '../../lib/runtime/config';
import { ConfigurationError } from '../../lib/errors';

describe('the Slack webhook parameter', () => {
  it('is a full SSM path starting with /', () => {
    expect(loadSlackConfig({ FAILWATCH_SLACK_WEBHOOK_PARAMETER: '/failwatch/prod/slack-webhook' }).webhookParameterName).toBe('/failwatch/prod/slack-webhook');
  });

  it('a plain name is refused: the role is granted the path, so it could never be read', () => {
    expect(() => loadSlackConfig({ FAILWATCH_SLACK_WEBHOOK_PARAMETER: 'failwatch-slack' })).toThrow(ConfigurationError);
    expect(() => loadSlackConfig({ FAILWATCH_SLACK_WEBHOOK_PARAMETER: 'failwatch-slack' })).toThrow(/FAILWATCH_SLACK_WEBHOOK_PARAMETER must be an SSM parameter path starting with \//);
  });
});
