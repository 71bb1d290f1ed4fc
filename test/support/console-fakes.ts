/**
 * In-memory ports for the operator console's use cases (lib/usecases/console-ports.ts, and the
 * AlarmManager of lib/ports.ts), for what moto cannot show: a subscription pending confirmation, a tag
 * removed between a listing and a deletion, a replay or a delete that fails. Each records its calls.
 */
import type { AlarmStanding, ForeignAlarm, ManagedAlarm } from '../../lib/domain/alarm-plan';
import { DEFAULT_ALARM_SETTINGS } from '../../lib/domain/alarm-plan';
import { AlarmOwnership, type AlarmListing, type AlarmManager } from '../../lib/ports';
import { stageNames, type DeadLetter, type DeadLetterQueue, type FunctionInvoker, type StageDeployment, type StoredPairs } from '../../lib/usecases/console-ports';

export const STAGE = 'prod';
export const PREFIX = 'failwatch-prod';

export function aDeployment(overrides: Partial<StageDeployment> = {}): StageDeployment {
  return {
    names: stageNames(STAGE),
    tableName: 'failwatch-prod-history',
    topicArn: 'arn:aws:sns:us-east-1:123456789012:failwatch-prod-alerts',
    alarms: { manage: true, prefix: PREFIX },
    slackWebhookParameter: '/failwatch/prod/slack-webhook',
    configuredSilences: [],
    historyDays: 400,
    ...overrides,
  };
}

export function aManagedAlarm(healthCheckId: string, standing?: AlarmStanding): ManagedAlarm {
  return { name: `${PREFIX}-${healthCheckId}`, healthCheckId, settings: DEFAULT_ALARM_SETTINGS, ...(standing ? { standing } : {}) };
}

/** Alarms and their tags: `tagged` says whether each still carries Failwatch's tag when its ownership is read again. */
export class InMemoryAlarmManager implements AlarmManager {
  readonly deleted: string[] = [];
  readonly confirmed: string[] = [];
  listings = 0;

  constructor(
    public managed: ManagedAlarm[] = [],
    public foreign: ForeignAlarm[] = [],
    /** Names whose tag was removed after the listing. */
    readonly untaggedSince = new Set<string>(),
  ) {}

  listAlarms(): Promise<AlarmListing> {
    this.listings += 1;
    return Promise.resolve({ managed: [...this.managed], foreign: [...this.foreign], complete: true });
  }

  confirmOwnership(name: string): Promise<AlarmOwnership> {
    this.confirmed.push(name);
    if (!this.managed.some((alarm) => alarm.name === name)) return Promise.resolve(this.foreign.some((alarm) => alarm.name === name) ? AlarmOwnership.NOT_OURS : AlarmOwnership.GONE);
    return Promise.resolve(this.untaggedSince.has(name) ? AlarmOwnership.NOT_OURS : AlarmOwnership.OURS);
  }

  putAlarm(): Promise<void> {
    return Promise.reject(new Error('the console never creates alarms'));
  }

  deleteAlarms(names: readonly string[]): Promise<void> {
    this.deleted.push(...names);
    this.managed = this.managed.filter((alarm) => !names.includes(alarm.name));
    return Promise.resolve();
  }
}

export function someStoredPairs(overrides: Partial<StoredPairs> = {}): StoredPairs {
  return { definitions: [], states: [], unreadable: [], ...overrides };
}

/**
 * A queue as SQS keeps one: a received letter is hidden (in flight) until it is released or deleted; each
 * receive gives a new receipt handle, and only the latest one deletes.
 */
export class InMemoryDeadLetterQueue implements DeadLetterQueue {
  private readonly letters = new Map<string, { letter: DeadLetter; hidden: boolean; receipts: number }>();
  readonly deletedIds: string[] = [];
  readonly hideTimes: number[] = [];
  /** Message ids whose deletion fails. */
  readonly failDeleting = new Set<string>();
  /** Fails every receive from this one on (1-based), when set. */
  failReceivingFrom: number | undefined;
  private receives = 0;

  constructor(letters: readonly Omit<DeadLetter, 'receiptHandle'>[] = []) {
    for (const letter of letters) this.letters.set(letter.messageId, { letter: { ...letter, receiptHandle: '' }, hidden: false, receipts: 0 });
  }

  countWaiting(): Promise<{ visible: number; inFlight: number }> {
    const all = [...this.letters.values()];
    return Promise.resolve({ visible: all.filter((entry) => !entry.hidden).length, inFlight: all.filter((entry) => entry.hidden).length });
  }

  receive(max: number, hideSeconds: number): Promise<readonly DeadLetter[]> {
    this.receives += 1;
    if (this.failReceivingFrom !== undefined && this.receives >= this.failReceivingFrom) return Promise.reject(new Error('SQS is down'));
    this.hideTimes.push(hideSeconds);
    const given = [...this.letters.values()].filter((entry) => !entry.hidden).slice(0, Math.min(max, 10));
    return Promise.resolve(
      given.map((entry) => {
        entry.hidden = true;
        entry.receipts += 1;
        entry.letter = { ...entry.letter, receiptHandle: `${entry.letter.messageId}#${entry.receipts}`, receiveCount: entry.receipts };
        return entry.letter;
      }),
    );
  }

  release(letters: readonly DeadLetter[]): Promise<void> {
    for (const letter of letters) {
      const entry = this.current(letter);
      if (entry) entry.hidden = false;
    }
    return Promise.resolve();
  }

  delete(letter: DeadLetter): Promise<void> {
    if (this.failDeleting.has(letter.messageId)) return Promise.reject(new Error('AccessDenied on sqs:DeleteMessage'));
    if (!this.current(letter)) return Promise.reject(new Error(`receipt handle ${letter.receiptHandle} is no longer valid`));
    this.letters.delete(letter.messageId);
    this.deletedIds.push(letter.messageId);
    return Promise.resolve();
  }

  /** The ids still in the queue, hidden ones included. */
  remaining(): string[] {
    return [...this.letters.keys()];
  }

  visible(): string[] {
    return [...this.letters.entries()].filter(([, entry]) => !entry.hidden).map(([id]) => id);
  }

  private current(letter: DeadLetter) {
    const entry = this.letters.get(letter.messageId);
    return entry !== undefined && entry.letter.receiptHandle === letter.receiptHandle ? entry : undefined;
  }
}

export class RecordingFunctionInvoker implements FunctionInvoker {
  readonly invoked: { functionName: string; payload: unknown }[] = [];
  /** Function names whose invocation fails. */
  readonly failing = new Set<string>();

  invokeAsync(functionName: string, payload: unknown): Promise<void> {
    if (this.failing.has(functionName)) return Promise.reject(new Error(`Function ${functionName} does not exist`));
    this.invoked.push({ functionName, payload });
    return Promise.resolve();
  }
}
