/**
 * `failwatch alarms list|remove`: the stage's managed alarms (named `<prefix>-<health check id>`) and
 * where each stands; and their removal, e.g. after turning managed alarms off or removing the stage
 * (they are not part of its stack). Remove deletes only alarms carrying Failwatch's tag for this prefix
 * (failwatch:managed-by=<prefix>), read again right before the deletion, as the poll function does.
 */
import { ALARM_OWNER_TAG, alarmNameFor, isAlarmNameOf, type AlarmStanding } from '../domain/alarm-plan';
import { AlarmOwnership, type AlarmManager } from '../ports';

export interface ListedAlarm {
  readonly name: string;
  /** The health check it watches; undefined for an alarm whose dimensions someone changed (or a foreign one). */
  readonly healthCheckId: string | undefined;
  readonly standing?: AlarmStanding;
}

export interface StageAlarms {
  readonly prefix: string;
  /** Failwatch's own (tagged), by name. */
  readonly managed: readonly ListedAlarm[];
  /** Named `<prefix>-<health check id>` without the tag: not Failwatch's, never touched. */
  readonly foreign: readonly ListedAlarm[];
}

export async function listStageAlarms(deps: { readonly alarms: Pick<AlarmManager, 'listAlarms'> }, options: { readonly prefix: string }): Promise<StageAlarms> {
  const listing = await deps.alarms.listAlarms();
  const byName = (a: ListedAlarm, b: ListedAlarm) => a.name.localeCompare(b.name);
  return {
    prefix: options.prefix,
    managed: listing.managed.map((alarm) => ({ name: alarm.name, healthCheckId: alarm.healthCheckId, ...(alarm.standing ? { standing: alarm.standing } : {}) })).sort(byName),
    foreign: listing.foreign
      .map((alarm) => ({ name: alarm.name, healthCheckId: alarm.name.slice(options.prefix.length + 1), ...(alarm.standing ? { standing: alarm.standing } : {}) }))
      .sort(byName),
  };
}

/** Every managed alarm of the stage, or those named (by alarm name or by health check id). */
export type AlarmSelection = { readonly kind: 'ALL' } | { readonly kind: 'NAMED'; readonly names: readonly string[] };

export interface AlarmRemoval {
  readonly prefix: string;
  readonly removed: readonly string[];
  /** Named alarms left alone, and why (not Failwatch's, or not a name of this stage). */
  readonly refused: readonly { readonly name: string; readonly reason: string }[];
  /** Named alarms that do not exist (or no longer: deleted meanwhile). */
  readonly notFound: readonly string[];
}

/** Throws AlarmManagerError when CloudWatch refuses a listing, a tag read or a deletion; what was deleted before stays deleted. */
export async function removeStageAlarms(deps: { readonly alarms: AlarmManager }, options: { readonly prefix: string; readonly selection: AlarmSelection }): Promise<AlarmRemoval> {
  const { prefix, selection } = options;
  const listing = await deps.alarms.listAlarms();
  const managed = new Set(listing.managed.map((alarm) => alarm.name));
  const foreign = new Set(listing.foreign.map((alarm) => alarm.name));
  const notOurs = `carries no ${ALARM_OWNER_TAG}=${prefix} tag: not Failwatch's, left alone`;
  const refused: { name: string; reason: string }[] = [];
  const notFound: string[] = [];
  const candidates: string[] = [];
  const asked = selection.kind === 'ALL' ? [...managed] : [...new Set(selection.names)];
  for (const given of asked) {
    const name = isAlarmNameOf(prefix, given) ? given : isAlarmNameOf(prefix, alarmNameFor(prefix, given)) ? alarmNameFor(prefix, given) : undefined;
    if (name === undefined) refused.push({ name: given, reason: `neither an alarm name of this stage (${prefix}-<health check id>) nor a health check id` });
    else if (managed.has(name)) candidates.push(name);
    else if (foreign.has(name)) refused.push({ name, reason: notOurs });
    else notFound.push(name);
  }
  const removable: string[] = [];
  for (const name of candidates.sort()) {
    // Its tag, read again now: one removed since the listing makes the alarm someone else's.
    const ownership = await deps.alarms.confirmOwnership(name);
    if (ownership === AlarmOwnership.OURS) removable.push(name);
    else if (ownership === AlarmOwnership.NOT_OURS) refused.push({ name, reason: notOurs });
    else notFound.push(name);
  }
  if (removable.length > 0) await deps.alarms.deleteAlarms(removable);
  return { prefix, removed: removable, refused, notFound };
}
