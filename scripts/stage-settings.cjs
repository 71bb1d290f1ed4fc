// @ts-check
/**
 * The settings of one stage, for serverless.yml (`params.default: ${file(./scripts/stage-settings.cjs)}`):
 * every default listed in serverless.yml's `custom.settings`, overlaid with the stage's own file,
 * stages/<stage>.yml. That file is the one place a stage's settings live (docs/configuration.md), so a
 * deploy repeated, or made after changing one setting, deploys every other setting unchanged.
 *
 * A command stops with an error saying what to fix, before anything is built or deployed, when:
 * - the stage has no file (deploying the defaults would drop the stage's subscriptions and keys);
 * - the file names a setting that does not exist (a misspelt one would leave the real one at its default);
 * - a setting is given as a list or map (each setting is one value);
 * - a setting is given with --param (osls does not keep it, so the next deploy would drop it).
 *
 * Plain CommonJS: osls `require`s this file and calls the function it exports while it reads serverless.yml.
 */
'use strict';

const { existsSync } = require('node:fs');
const { join } = require('node:path');

/** An error osls prints as its message alone (it prints a thrown error's stack). */
class StageSettingsError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'StageSettingsError';
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * @typedef {string | number | boolean | null} SettingValue
 * @typedef {{
 *   options: { param?: readonly string[] | null },
 *   resolveVariable: (variable: string) => Promise<unknown>,
 *   resolveConfigurationProperty: (path: readonly string[]) => Promise<unknown>,
 * }} VariableResolver
 */

/** @param {VariableResolver} resolver @returns {Promise<Record<string, SettingValue>>} */
module.exports = async ({ options, resolveVariable, resolveConfigurationProperty }) => {
  const stage = String(await resolveVariable('sls:stage'));
  const file = `stages/${stage}.yml`;
  const given = options.param ?? [];
  if (given.length > 0) {
    const names = given.map((param) => param.split('=')[0]).join(', ');
    throw new StageSettingsError(`--param ${names}: put ${given.length === 1 ? 'this setting' : 'these settings'} in ${file} instead. osls does not keep --param values, so the next deploy without them would drop what they set.`);
  }
  const defaults = /** @type {Record<string, SettingValue>} */ (await resolveConfigurationProperty(['custom', 'settings']));
  if (!existsSync(join(__dirname, '..', file))) {
    throw new StageSettingsError(`stage "${stage}" has no settings file: create ${file} (even an empty one, "{}"), as docs/configuration.md shows. Every setting of a stage lives in its file, so that no deploy can drop one.`);
  }
  const own = await resolveVariable(`file(./${file}), null`);
  if (own === null || own === undefined) return defaults;
  if (typeof own !== 'object' || Array.isArray(own)) throw new StageSettingsError(`${file} must be a map of settings (name: value), not ${JSON.stringify(own)}.`);

  const settings = { ...defaults };
  for (const [name, value] of Object.entries(own)) {
    if (!Object.hasOwn(defaults, name)) {
      throw new StageSettingsError(`${file} sets "${name}", which is not a setting. The settings are: ${Object.keys(defaults).join(', ')} (docs/configuration.md).`);
    }
    if (value === null) continue; // "name:" with no value: the default.
    if (typeof value === 'object') throw new StageSettingsError(`${file}: "${name}" must be one value, not ${JSON.stringify(value)}.`);
    // Written as text, as a deployed function reads every setting: `slackEnabled: true` is "true".
    settings[name] = String(value);
  }
  return settings;
};
