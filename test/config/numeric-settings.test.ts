/**
 * Numeric settings are numbers written out: an empty value (an empty --param) or a hex literal is an
 * error naming the variable, never read as 0 (which would turn reminders off or keep history forever).
 */
import { loadWatchConfig, type WatchConfig } from '../../lib/runtime/config';
import { ConfigurationError } from '../../lib/errors';

const REQUIRED = { FAILWATCH_TABLE: 't', FAILWATCH_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:failwatch' };

const CASES: [string, string, (c: WatchConfig) => number, number][] = [
  ['FAILWATCH_HISTORY_DAYS', '', (c) => c.historyDays, 400],
  ['FAILWATCH_REMINDER_HOURS', '', (c) => c.notices.reminderIntervalSeconds, 14_400],
  ['FAILWATCH_DEGRADED_AFTER_MINUTES', ' ', (c) => c.notices.degradedAfterSeconds, 900],
  ['FAILWATCH_FLAP_CHANGES', '', (c) => c.notices.flapChanges, 4],
  ['FAILWATCH_DISCOVERY_MAX_AGE_MINUTES', '', (c) => c.discoveryMaxAgeMinutes, 15],
  ['FAILWATCH_ALARM_RECONCILE_MINUTES', '', (c) => c.alarms.reconcileMinutes, 15],
];

describe('an empty numeric setting is not silently 0', () => {
  it.each(CASES)('%s=%j is refused, naming the variable; absent, it has its default', (name, value, read, fallback) => {
    expect(() => loadWatchConfig({ ...REQUIRED, [name]: value })).toThrow(ConfigurationError);
    expect(() => loadWatchConfig({ ...REQUIRED, [name]: value })).toThrow(name);
    expect(read(loadWatchConfig(REQUIRED))).toBe(fallback);
  });

  it('a hexadecimal literal is not a number here', () => {
    expect(() => loadWatchConfig({ ...REQUIRED, FAILWATCH_HISTORY_DAYS: '0x10' })).toThrow('FAILWATCH_HISTORY_DAYS must be a whole number');
  });
});

describe('settings that share a rule are each named in its own message', () => {
  it('two whole numbers of at least 1 and two of at least 0, all wrong at once', () => {
    const env = { ...REQUIRED, FAILWATCH_CONFIRMATIONS: '0', FAILWATCH_FLAP_WINDOW_MINUTES: '0', FAILWATCH_HISTORY_DAYS: '1.5', FAILWATCH_FLAP_CHANGES: '-1', FAILWATCH_ROUTE53_RPS: '0', FAILWATCH_STATUS_RPS: 'x' };
    let message = '';
    try {
      loadWatchConfig(env);
    } catch (error) {
      message = (error as Error).message;
    }
    for (const expected of [
      'FAILWATCH_CONFIRMATIONS must be at least 1',
      'FAILWATCH_FLAP_WINDOW_MINUTES must be at least 1',
      'FAILWATCH_HISTORY_DAYS must be a whole number',
      'FAILWATCH_FLAP_CHANGES must be at least 0',
      'FAILWATCH_ROUTE53_RPS must be above 0',
      'FAILWATCH_STATUS_RPS must be a number',
    ]) expect(message).toContain(expected);
  });

  it('the same rule accepts each setting\'s own value', () => {
    const config = loadWatchConfig({ ...REQUIRED, FAILWATCH_CONFIRMATIONS: '3', FAILWATCH_FLAP_WINDOW_MINUTES: '90', FAILWATCH_ROUTE53_RPS: '2.5', FAILWATCH_STATUS_RPS: ' 1 ' });
    expect([config.notices.confirmations, config.notices.flapWindowSeconds, config.route53RequestsPerSecond, config.statusRequestsPerSecond]).toEqual([3, 5_400, 2.5, 1]);
  });
});
