/**
 * FAILWATCH_SILENCES refuses keys it does not know: a misspelt optional key would otherwise be dropped
 * and widen the window (`zoneID` covering every zone, `form` starting a planned window at once).
 */
import { loadWatchConfig } from '../../lib/runtime/config';
import { ConfigurationError } from '../../lib/errors';

const REQUIRED = { FAILWATCH_TABLE: 't', FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch' };
const load = (entry: Record<string, string>) => () => loadWatchConfig({ ...REQUIRED, FAILWATCH_SILENCES: JSON.stringify([entry]) });

describe('FAILWATCH_SILENCES refuses keys it does not know', () => {
  it('a misspelt zoneId ("zoneID") is an error, not a silence on every zone', () => {
    const run = load({ record: 'app.example.com', zoneID: 'Z0EXAMPLE12345', until: '2026-12-01T06:00:00Z', reason: 'zone A drill' });
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(/zoneID/);
  });

  it('a misspelt from ("form") is an error, not a window that starts now', () => {
    const run = load({ record: 'app.example.com', form: '2026-12-24T00:00:00Z', until: '2026-12-27T00:00:00Z', reason: 'holiday freeze' });
    expect(run).toThrow(ConfigurationError);
    expect(run).toThrow(/form/);
  });
});
