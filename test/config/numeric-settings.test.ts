/**
 * Numeric settings are numbers written out: an empty value (an empty --param) or a hex literal is an
 * error naming the variable, never read as 0 (which would turn reminders off or keep history forever).
 */
import { loadWatchConfig, type WatchConfig } from '../../lib/config';
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
