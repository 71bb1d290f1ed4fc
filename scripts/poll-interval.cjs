// @ts-check
/**
 * The poll schedule's interval in seconds, for the alarms that count sweeps per interval (serverless.yml,
 * `custom.pollIntervalSeconds: ${file(./scripts/poll-interval.cjs)}`; docs/self-monitoring.md).
 *
 * A rate(...) schedule says its interval; a cron(...) one does not, so the pollIntervalMinutes setting
 * gives it (and, given with a rate, must agree with it). A command stops with an error saying what to fix,
 * before anything is built or deployed, when the interval is missing, not a whole number of minutes, or
 * longer than CloudWatch lets an alarm look back over three of them (7 days in all).
 *
 * Plain CommonJS: osls `require`s this file and calls the function it exports while it reads serverless.yml.
 */
'use strict';

/** An error osls prints as its message alone (it prints a thrown error's stack). */
class PollIntervalError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'PollIntervalError';
    this.stack = `${this.name}: ${message}`;
  }
}

const MINUTES_PER_UNIT = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };
/** CloudWatch: an alarm's periods times its evaluation periods may not pass 7 days; the sweep alarm looks at 3. */
const MAX_MINUTES = (7 * 24 * 60) / 3;

/** @param {string} schedule @returns {number | undefined} minutes, for a rate(...) expression */
function rateMinutes(schedule) {
  const match = /^rate\(\s*(\d+)\s+(minutes?|hours?|days?)\s*\)$/.exec(schedule.trim());
  return match ? Number(match[1]) * MINUTES_PER_UNIT[/** @type {keyof typeof MINUTES_PER_UNIT} */ (match[2])] : undefined;
}

/**
 * @param {{ resolveVariable: (variable: string) => Promise<unknown>, resolveConfigurationProperty: (path: readonly string[]) => Promise<unknown> }} resolver
 * @returns {Promise<number>}
 */
module.exports = async ({ resolveVariable, resolveConfigurationProperty }) => {
  const schedule = String(await resolveConfigurationProperty(['custom', 'pollSchedule']));
  const given = await resolveVariable('param:pollIntervalMinutes, null');
  const fromRate = rateMinutes(schedule);
  let minutes;
  if (given === null || given === undefined || given === '') {
    if (fromRate === undefined) {
      throw new PollIntervalError(`pollRate ${schedule} does not say how often poll runs: set pollIntervalMinutes in the stage's file to the longest time between two sweeps, in minutes (docs/configuration.md). Failwatch's alarm on missing sweeps counts sweeps per that interval.`);
    }
    minutes = fromRate;
  } else {
    minutes = Number(given);
    if (!/^\s*\d+\s*$/.test(String(given)) || minutes < 1) throw new PollIntervalError(`pollIntervalMinutes must be a whole number of minutes, at least 1, not ${JSON.stringify(given)}.`);
    if (fromRate !== undefined && fromRate !== minutes) {
      throw new PollIntervalError(`pollIntervalMinutes ${minutes} disagrees with pollRate ${schedule} (${fromRate} minutes): leave pollIntervalMinutes unset, or make them agree.`);
    }
  }
  if (minutes > MAX_MINUTES) {
    throw new PollIntervalError(`poll runs every ${minutes} minutes; Failwatch's alarm on missing sweeps needs 3 intervals within CloudWatch's 7 days (at most ${MAX_MINUTES} minutes each): poll more often.`);
  }
  return minutes * 60;
};
