import { loadWatchConfig } from '../../lib/runtime/config';
import { ConfigurationError } from '../../lib/errors';

const REQUIRED = { FAILWATCH_TABLE: 'failwatch', FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch' };

describe('configuration: hysteresis, flap damping, reminders, the watch-degraded warning and silences', () => {
  it('defaults: confirm at once, flapping above 4 changes in 60 minutes, remind every 4 hours, warn after 15 minutes, no silences', () => {
    const config = loadWatchConfig(REQUIRED);
    expect(config.notices).toEqual({ confirmations: 1, flapChanges: 4, flapWindowSeconds: 3_600, reminderIntervalSeconds: 14_400, degradedAfterSeconds: 900 });
    expect(config.silences).toEqual([]);
  });

  it('reads every setting from its variable', () => {
    const config = loadWatchConfig({
      ...REQUIRED,
      FAILWATCH_CONFIRMATIONS: '3',
      FAILWATCH_FLAP_CHANGES: '0',
      FAILWATCH_FLAP_WINDOW_MINUTES: '30',
      FAILWATCH_REMINDER_HOURS: '0.5',
      FAILWATCH_DEGRADED_AFTER_MINUTES: '0',
    });
    expect(config.notices).toEqual({ confirmations: 3, flapChanges: 0, flapWindowSeconds: 1_800, reminderIntervalSeconds: 1_800, degradedAfterSeconds: 0 });
  });

  it('FAILWATCH_SILENCES: record names are normalized, instants made ISO, and each gets a stable id', () => {
    const raw = JSON.stringify([
      { record: 'App.Example.com.', until: '2026-12-01T06:00:00Z', reason: 'DR drill' },
      { id: 'freeze', record: '*', zoneId: 'Z0EXAMPLE12345', from: '2026-12-24T00:00:00Z', until: '2026-12-27T00:00:00Z', reason: 'holiday freeze' },
    ]);
    const [drill, freeze] = loadWatchConfig({ ...REQUIRED, FAILWATCH_SILENCES: raw }).silences;
    expect(drill).toEqual({ id: expect.stringMatching(/^config-[0-9a-f]{10}$/), record: 'app.example.com', until: '2026-12-01T06:00:00.000Z', reason: 'DR drill' });
    expect(loadWatchConfig({ ...REQUIRED, FAILWATCH_SILENCES: raw }).silences[0]?.id).toBe(drill?.id);
    expect(freeze).toEqual({ id: 'freeze', record: '*', zoneId: 'Z0EXAMPLE12345', from: '2026-12-24T00:00:00.000Z', until: '2026-12-27T00:00:00.000Z', reason: 'holiday freeze' });
  });

  it.each([
    ['FAILWATCH_CONFIRMATIONS', '0', /FAILWATCH_CONFIRMATIONS must be at least 1/],
    ['FAILWATCH_REMINDER_HOURS', '-1', /FAILWATCH_REMINDER_HOURS must be 0 or more/],
    ['FAILWATCH_FLAP_WINDOW_MINUTES', 'soon', /FAILWATCH_FLAP_WINDOW_MINUTES must be a whole number/],
    ['FAILWATCH_SILENCES', '{not json', /FAILWATCH_SILENCES must be a JSON array such as/],
    ['FAILWATCH_SILENCES', '{}', /FAILWATCH_SILENCES must be a JSON array of silences/],
    ['FAILWATCH_SILENCES', '[{"record":"app.example.com","until":"tomorrow","reason":"x"}]', /FAILWATCH_SILENCES\[0\]\.until: until must be an ISO date/],
    ['FAILWATCH_SILENCES', '[{"record":"app.example.com","until":"2026-12-01T06:00:00Z"}]', /FAILWATCH_SILENCES\[0\]\.reason: reason is required/],
  ])('%s=%s is refused with an error naming it', (name, value, message) => {
    expect(() => loadWatchConfig({ ...REQUIRED, [name]: value })).toThrow(ConfigurationError);
    expect(() => loadWatchConfig({ ...REQUIRED, [name]: value })).toThrow(message);
  });
});
